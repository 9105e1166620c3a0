"""Dashboard panels contributed by the business apps (registered from their AppConfig.ready)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Figure:
    label: str
    value: str | int | float
    previous: str | int | float | None = None
    url: str = ""


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    order: int = 100
    chart: dict | None = None  # an ECharts option, rendered by static/js/app.js


PANEL_PROVIDERS: list[Callable] = []


def register_panel(provider: Callable) -> None:
    """provider(user, year) -> list[Panel]."""
    if provider not in PANEL_PROVIDERS:
        PANEL_PROVIDERS.append(provider)


def panels_for(user, year: int) -> list[Panel]:
    panels: list[Panel] = []
    for provider in PANEL_PROVIDERS:
        panels.extend(provider(user, year))
    return sorted(panels, key=lambda p: p.order)
