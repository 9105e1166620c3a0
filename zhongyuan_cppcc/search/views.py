from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import MAX_QUERY, clean_query, search_for


@require_GET
@login_required
def search(request):
    query = clean_query(request.GET.get("q"))
    groups = search_for(user=request.user, query=query)
    return render(request, "search/results.html", {
        "query": query, "groups": groups, "max_query": MAX_QUERY,
        "too_long": len((request.GET.get("q") or "").strip()) > MAX_QUERY,
    })
