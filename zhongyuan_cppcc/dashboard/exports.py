"""Excel export of the dashboard's tables: every panel's figures for the year (and the dashboard's street / unit
filter), with the previous year and the change (declared on the shared writer: formula-safe, audited)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.exports.excel import Column, ExcelExport, register


def dashboard_year(value) -> int:
    """A sane year from a request parameter; the current one otherwise."""
    this_year = timezone.localdate().year
    try:
        year = int(value or this_year)
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year


def _rows(user, query) -> list[dict]:
    from zhongyuan_cppcc.core.db import replica_reads

    from .registry import panels_for
    from .scope import dashboard_scope

    with replica_reads():
        panels = panels_for(user, dashboard_year(query.get("year")), dashboard_scope(query))
    figures = [{"panel": str(panel.title), "label": str(f.label), "value": f.value,
                "previous": "" if f.previous is None else f.previous,
                "change": "" if f.change is None else f.change}
               for panel in panels for f in panel.figures]
    return figures + [row for panel in panels for chart in panel.charts for row in chart_rows(panel, chart)]


def chart_rows(panel, chart) -> list[dict]:
    """A chart's table below the figures: one row per bar or slice (per series when it has several), under
    "<block> · <chart>", so every table of the page is in the workbook."""
    table = f"{panel.title} · {chart.title}"
    several = len(chart.series) > 1
    return [{"panel": table, "label": f"{row.label}（{name}）" if several else str(row.label), "value": value,
             "previous": "", "change": ""}
            for row in chart.rows for name, value in zip(chart.series, row.values, strict=False)]


FIGURES = register(ExcelExport(
    kind="dashboard.figures", label=_("Dashboard figures"), permission="dashboard.view",
    rows=_rows, filename=_("dashboard"), audit_action="dashboard.exported", background=False,
    columns=lambda user, query: [
        Column(_("Table"), lambda r, e: r["panel"], width=30),
        Column(_("Item"), lambda r, e: r["label"], width=36),
        Column(f"{dashboard_year(query.get('year'))}", lambda r, e: r["value"], width=12),
        Column(_("Previous year"), lambda r, e: r["previous"], width=12),
        Column(_("Change"), lambda r, e: r["change"], width=10),
    ]))
