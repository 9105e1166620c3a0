"""What each app contributes to the shared UI: navigation entries and role-home sections.

Apps register from AppConfig.ready(); the core knows no app by name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    order: int = 100
    icon: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class HomeLink:
    label: str
    url: str
    count: int | None = None
    hint: str = ""


@dataclass
class HomeSection:
    title: str
    links: list[HomeLink] = field(default_factory=list)
    order: int = 100
    note: str = ""


NAV_ITEMS: list[NavItem] = []
HOME_PROVIDERS: list[Callable] = []


def register_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_home(provider: Callable) -> None:
    """provider(user) -> list[HomeSection] for what this user can do now."""
    if provider not in HOME_PROVIDERS:
        HOME_PROVIDERS.append(provider)


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if user.has_perm(item.permission)]


def home_sections_for(user) -> list[HomeSection]:
    sections: list[HomeSection] = []
    for provider in HOME_PROVIDERS:
        sections.extend(provider(user))
    return sorted(sections, key=lambda s: s.order)
