"""Views of the members module, one module per section: selector → permission → form → service →
message → redirect. The names are re-exported here for code written against the former module."""

from .activities import ActivityCreateView, ActivityDetailView, ActivityListView
from .imports import ImportDetailView, ImportProgressView, ImportTemplateView, ImportView
from .ledger import (
    EventCreateView,
    EventWithdrawView,
    MemberRecordView,
    MyRecordView,
    RuleCreateView,
    RuleListView,
    RuleUpdateView,
)
from .meetings import MeetingCreateView, MeetingDetailView, MeetingListView
from .records import (
    MemberCreateView,
    MemberDetailView,
    MemberExportView,
    MemberListView,
    MemberPhotoView,
    MemberRevealView,
    MemberUpdateView,
)
from .shortlist import (
    RankingExportView,
    RankingView,
    ShortlistAddView,
    ShortlistDetailView,
    ShortlistExcludeView,
    ShortlistExportView,
    ShortlistFinalizeView,
    ShortlistGenerateView,
    ShortlistIndexView,
)
from .units import OrganisationsView, UnitFormView, UnitListView
from .visits import VisitCreateView, VisitListView, VisitUpdateView

__all__ = [
    "ActivityCreateView", "ActivityDetailView", "ActivityListView", "EventCreateView", "EventWithdrawView",
    "ImportDetailView", "ImportProgressView", "ImportTemplateView", "ImportView", "MeetingCreateView",
    "MeetingDetailView", "MeetingListView", "MemberCreateView", "MemberDetailView", "MemberExportView",
    "MemberListView", "MemberPhotoView", "MemberRecordView", "MemberRevealView", "MemberUpdateView", "MyRecordView",
    "OrganisationsView", "RankingExportView", "RankingView", "RuleCreateView", "RuleListView", "RuleUpdateView",
    "ShortlistAddView", "ShortlistDetailView", "ShortlistExcludeView", "ShortlistExportView", "ShortlistFinalizeView",
    "ShortlistGenerateView", "ShortlistIndexView", "UnitFormView", "UnitListView", "VisitCreateView", "VisitListView",
    "VisitUpdateView",
]
