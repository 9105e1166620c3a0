"""Dashboard panels contributed by the business apps (registered from their AppConfig.ready)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from .scope import STREET, UNIT, DashboardScope

__all__ = ["STREET", "UNIT", "Chart", "ChartRow", "Figure", "Panel", "panels_for", "register_panel"]


@dataclass
class Figure:
    label: str
    value: str | int | float
    previous: str | int | float | None = None
    url: str = ""

    @property
    def change(self) -> int | None:
        """This year's count minus the previous year's (None unless both are counts)."""
        if isinstance(self.value, int) and isinstance(self.previous, int):
            return self.value - self.previous
        return None


@dataclass
class ChartRow:
    label: str
    values: list[int]
    url: str = ""  # the list behind the row's first value, when a list can be filtered to it


@dataclass
class Chart:
    """One chart and its accessible fallback: the same rows render as an ECharts option (static/js/app.js)
    and as a small table, so the page reads the same without JavaScript and in print."""

    title: str
    kind: str  # "pie", "bar" (vertical), "hbar" (horizontal) or "line"
    series: list[str]  # one name per value column
    rows: list[ChartRow] = field(default_factory=list)

    def total(self, column: int = 0) -> int:
        return sum(row.values[column] for row in self.rows)

    def option(self) -> dict:
        labels = [row.label for row in self.rows]
        if self.kind == "pie":
            return {"tooltip": {"trigger": "item"},
                    "series": [{"type": "pie", "radius": ["35%", "65%"], "name": self.series[0],
                                "data": [{"name": row.label, "value": row.values[0]}
                                         for row in self.rows if row.values[0]]}]}
        horizontal = self.kind == "hbar"
        kind = "line" if self.kind == "line" else "bar"
        series = [{"type": kind, "name": name, "data": [row.values[i] for row in self.rows]}
                  for i, name in enumerate(self.series)]
        if horizontal:  # the first row on top
            labels = labels[::-1]
            for s in series:
                s["data"] = s["data"][::-1]
        category = {"type": "category", "data": labels}
        value = {"type": "value", "minInterval": 1}
        return {"tooltip": {"trigger": "axis"}, **({"legend": {}} if len(series) > 1 else {}),
                "grid": {"left": 130 if horizontal else 40, "right": 20, "top": 30, "bottom": 30},
                "xAxis": value if horizontal else category, "yAxis": category if horizontal else value,
                "series": series}


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    order: int = 100
    charts: list[Chart] = field(default_factory=list)
    filters: tuple[str, ...] = ()  # the dashboard filters (STREET, UNIT) this panel's figures are restricted to
    unfiltered: list[str] = field(default_factory=list)  # set by the view: filters in use that this panel ignores


PANEL_PROVIDERS: list[Callable] = []


def register_panel(provider: Callable) -> None:
    """provider(user, year, scope) -> list[Panel]; scope is a dashboard.scope.DashboardScope."""
    if provider not in PANEL_PROVIDERS:
        PANEL_PROVIDERS.append(provider)


def panels_for(user, year: int, scope=None, *, cached: bool = True) -> list[Panel]:
    """Every provider's panels for this user; from the cache while the counted data is unchanged (cache.py)."""
    from .cache import cached_panels, data_versions

    scope = scope or DashboardScope()
    versions = data_versions() if cached else None
    panels: list[Panel] = []
    for provider in PANEL_PROVIDERS:
        panels.extend(cached_panels(provider, user, year, scope, versions))
    return sorted(panels, key=lambda p: p.order)
