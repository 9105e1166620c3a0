"""List toolkit: filters (ListFilterSet), views (FilteredListView, query_string), paging (IdsFirst)."""
