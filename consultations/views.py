"""Thin views: selector (404 outside the user's scope) → permission → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from zhongyuan_cppcc.core.masking import mask_mobile
from zhongyuan_cppcc.lists.page_cache import KeptPageMixin
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, DomainError, InvalidTransition
from zhongyuan_cppcc.workflow.forms import add_service_error, form_error_text
from zhongyuan_cppcc.workflow.views import Action, VerbView, available_actions

from . import forms, selectors, services
from .lists import OutcomeFilterSet, ProjectFilterSet, RoomFilterSet, SessionFilterSet, TopicFilterSet
from .models import FollowUp, Outcome, Photo, Room, SessionKind, Topic
from .views_util import mask_name
from .workflow import (
    OUTCOME_WORKFLOW,
    SESSION_WORKFLOW,
    TOPIC_WORKFLOW,
    OutcomeVerb,
    SessionVerb,
    TopicVerb,
)

# --- Helpers ---------------------------------------------------------------------------------------------


def _check_verb(user, workflow, obj, verb: str) -> None:
    """Not that kind of actor: 403. The right actor at a moment the status does not allow: InvalidTransition
    (the page answers with the reason and goes back to the object)."""
    if not workflow.actor_may(user, obj, verb):
        raise PermissionDenied
    if not workflow.can(workflow.status_of(obj), verb):
        raise InvalidTransition(verb=verb, status=workflow.status_of(obj), workflow=workflow)


def _get(request, queryset, pk, perm: str):
    obj = selectors.get_for(queryset, pk)
    if not request.user.has_perm(perm, obj):
        from django.http import Http404

        raise Http404
    return obj


class FormPageView(View):
    """A GET/POST page with one form whose valid data goes to a service; refusals re-render with the error."""

    template_name = "consultations/form.html"
    form_class = None
    heading = ""
    success_message = ""

    def get_object(self):
        return None

    def check(self, obj) -> None:
        """Raise PermissionDenied when the user may not use this page for `obj`."""

    def get_form(self, obj, data=None):
        return self.form_class(data=data)

    def call(self, obj, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def cancel_url(self, obj) -> str:
        return obj.get_absolute_url() if obj is not None else reverse("consultations:session-list")

    def render_form(self, obj, form):
        return render(self.request, self.template_name, {"form": form, "object": obj, "heading": self.heading,
                                                         "cancel_url": self.cancel_url(obj)})

    def _checked(self, obj):
        """None when the page may be used; otherwise the redirect with the reason (the status moved on)."""
        try:
            self.check(obj)
        except InvalidTransition as exc:
            messages.error(self.request, str(exc))
            return redirect(self.cancel_url(obj))
        return None

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        refused = self._checked(obj)
        return refused or self.render_form(obj, self.get_form(obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        refused = self._checked(obj)
        if refused:
            return refused
        form = self.get_form(obj, data=request.POST)
        if form.is_valid():
            try:
                result = self.call(obj, form)
            except (InvalidTransition, ActionNotAllowed) as exc:
                messages.error(request, str(exc))
                return redirect(self.cancel_url(obj))
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, str(self.success_message))
                return redirect(result.get_absolute_url())
        return self.render_form(obj, form)


def action_auto_id(action: Action) -> str:
    """Field ids per action box: several boxes of a page share a form class (three note boxes on an outcome),
    and each label must name its own box's field."""
    return f"id_{action.verb}_%s"


def timeline(workflow, changes) -> list[dict]:
    """A history for the template, with the verbs' and statuses' labels."""
    return [{"at": c.at, "actor": c.actor, "note": c.note, "moved": c.from_status != c.to_status,
             "verb": _("Created") if c.verb == "create" else workflow.verb_label(c.verb),
             "to": workflow.status_label(c.to_status)} for c in changes]


# --- Sessions --------------------------------------------------------------------------------------------


class SessionListView(FilteredListView):
    permission_required = "consultations.open_consultations"
    template_name = "consultations/session_list.html"
    filterset_class = SessionFilterSet
    title = gettext_lazy("Consultation sessions")
    export_url_name, export_permission = "consultations:session-export", "consultations.export_consultations"

    def get_base_queryset(self):
        return selectors.sessions_for(user=self.request.user).order_by("-date", "-id")

    def decorate(self, rows: list) -> None:
        """Each row's number of outcomes, one query for the page (not a join of every outcome into the count
        and the ids of a filtered list)."""
        counts = dict(Outcome.objects.filter(session__in=[row.pk for row in rows]).order_by().values("session")
                      .annotate(n=Count("pk")).values_list("session", "n"))
        for row in rows:
            row.outcome_count = counts.get(row.pk, 0)


class SessionCreateView(PermissionRequiredMixin, FormPageView):
    permission_required = "consultations.add_session"
    heading = gettext_lazy("Plan a consultation session")
    success_message = gettext_lazy("The session was planned.")

    def get_form(self, obj, data=None):
        initial = {"kind": self.request.GET.get("kind") or SessionKind.GRASSROOTS}
        return forms.SessionForm(data=data, user=self.request.user, initial=initial)

    def call(self, obj, form):
        return services.session_create(actor=self.request.user, **form.cleaned_data)


class SessionEditView(FormPageView):
    heading = gettext_lazy("Edit the session")
    success_message = gettext_lazy("The session was saved.")

    def get_object(self):
        return _get(self.request, selectors.sessions_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_session")

    def check(self, obj):
        _check_verb(self.request.user, SESSION_WORKFLOW, obj, SessionVerb.EDIT)

    def get_form(self, obj, data=None):
        return forms.SessionForm(data=data, user=self.request.user, instance=obj)

    def call(self, obj, form):
        return services.session_edit(actor=self.request.user, session=obj, **form.cleaned_data)


class SessionParticipantsView(FormPageView):
    template_name = "consultations/participants_form.html"
    heading = gettext_lazy("Participants and attendance")
    success_message = gettext_lazy("The participants were saved.")

    def get_object(self):
        return _get(self.request, selectors.sessions_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_session")

    def check(self, obj):
        _check_verb(self.request.user, SESSION_WORKFLOW, obj, SessionVerb.ATTENDANCE)

    def get_form(self, obj, data=None):
        return forms.ParticipantsForm(data=data, session=obj)

    def call(self, obj, form):
        return services.session_set_participants(actor=self.request.user, session=obj, attendance=form.attendance())


SESSION_ACTIONS = [
    Action(SessionVerb.HOLD, gettext_lazy("Mark as held"), "consultations:session-hold", form_class=forms.HoldForm),
    Action(SessionVerb.ADD_OUTCOME, gettext_lazy("Add an outcome"), "consultations:session-add-outcome",
           form_class=forms.OutcomeForm),
    Action(SessionVerb.RECORD, gettext_lazy("Finish recording outcomes"), "consultations:session-record",
           form_class=forms.NoteForm),
    Action(SessionVerb.CLOSE, gettext_lazy("Close"), "consultations:session-close", form_class=forms.NoteForm,
           style="outline-secondary"),
]


class SessionDetailView(View):
    def get(self, request, pk):
        session = _get(request, selectors.sessions_for(user=request.user).select_related("created_by"), pk,
                       "consultations.view_session")
        user = request.user
        outcomes = [o for o in session.outcomes.select_related("proposal", "opinion_report", "converted_for")
                    .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.order_by("date", "id")))
                    if user.has_perm("consultations.view_outcome", o)]
        today = timezone.localdate()
        for outcome in outcomes:
            outcome.overdue = outcome.is_overdue(today)
        actions = [(a, a.form_class(auto_id=action_auto_id(a)) if a.form_class else None)
                   for a in available_actions(SESSION_WORKFLOW, user, session, SESSION_ACTIONS)]
        may = {verb: SESSION_WORKFLOW.may(user, session, verb) for verb in (SessionVerb.EDIT, SessionVerb.ATTENDANCE)}
        return render(request, "consultations/session_detail.html", {
            "session": session, "outcomes": outcomes, "actions": actions, "may_edit": may[SessionVerb.EDIT],
            "may_attendance": may[SessionVerb.ATTENDANCE], "today": timezone.localdate(),
            "participations": session.participations.select_related("member"),
            "topics": session.topics.all(),
            "history": timeline(SESSION_WORKFLOW, session.status_changes.select_related("actor")),
            "is_staff_view": user.has_perm("consultations.view_topics"),
            "photos": session.photos.all(), "photo_form": forms.PhotoForm(),
            "may_photo": user.has_perm("consultations.add_photo", session),
        })


class SessionPdfView(View):
    """The printable session record (会议纪要) as PDF, for whoever may see the session (public outcomes only
    for members who may not see the others)."""

    def get(self, request, pk):
        from zhongyuan_cppcc.pdf import pdf_response, render_pdf

        session = _get(request, selectors.sessions_for(user=request.user), pk, "consultations.view_session")
        outcomes = [o for o in session.outcomes.all() if request.user.has_perm("consultations.view_outcome", o)]
        pdf = render_pdf("consultations/session_pdf.html", {
            "session": session, "outcomes": outcomes, "topics": session.topics.all(),
            "participations": session.participations.select_related("member")}, request=request)
        return pdf_response(pdf, filename=f"会议纪要-{session.date:%Y%m%d}-{session.pk}.pdf")


class _SessionVerbView(VerbView):
    workflow = SESSION_WORKFLOW

    def get_object(self):
        return _get(self.request, selectors.sessions_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_session")


class SessionHoldView(_SessionVerbView):
    verb, form_class = SessionVerb.HOLD, forms.HoldForm
    success_message = gettext_lazy("The session was marked as held.")

    def perform(self, obj, data):
        return services.session_hold(actor=self.request.user, session=obj, residents_count=data["residents_count"],
                                     minutes=data["minutes"] or None)


class SessionAddOutcomeView(_SessionVerbView):
    verb, form_class = SessionVerb.ADD_OUTCOME, forms.OutcomeForm
    success_message = gettext_lazy("The outcome was added.")

    def perform(self, obj, data):
        return services.outcome_add(actor=self.request.user, session=obj, **data)


class SessionRecordView(_SessionVerbView):
    verb, form_class = SessionVerb.RECORD, forms.NoteForm
    success_message = gettext_lazy("The outcomes are recorded.")

    def perform(self, obj, data):
        return services.session_record(actor=self.request.user, session=obj, note=data["note"])


class SessionCloseView(_SessionVerbView):
    verb, form_class = SessionVerb.CLOSE, forms.NoteForm
    success_message = gettext_lazy("The session was closed.")

    def perform(self, obj, data):
        return services.session_close(actor=self.request.user, session=obj, note=data["note"])


# --- Outcomes --------------------------------------------------------------------------------------------


class OutcomeListView(FilteredListView):
    permission_required = "consultations.view_outcomes"
    template_name = "consultations/outcome_list.html"
    filterset_class = OutcomeFilterSet
    title = gettext_lazy("Consultation outcomes")
    export_url_name, export_permission = "consultations:outcome-export", "consultations.export_consultations"

    def get_base_queryset(self):
        return selectors.outcomes_for(user=self.request.user).order_by("-session__date", "session_id", "id")

    def decorate(self, rows):
        today = timezone.localdate()
        for outcome in rows:
            outcome.overdue = outcome.is_overdue(today)


OUTCOME_ACTIONS = [
    Action(OutcomeVerb.START, gettext_lazy("Start implementing"), "consultations:outcome-start",
           form_class=forms.NoteForm),
    Action(OutcomeVerb.IMPLEMENT, gettext_lazy("Mark as implemented"), "consultations:outcome-implement",
           form_class=forms.NoteForm, style="success"),
    Action(OutcomeVerb.KEEP, gettext_lazy("Keep for attention"), "consultations:outcome-keep",
           form_class=forms.NoteForm, style="outline-secondary"),
    Action(OutcomeVerb.NOTE, gettext_lazy("Add a follow-up note"), "consultations:outcome-note",
           form_class=forms.FollowUpForm, style="outline-primary"),
    Action(OutcomeVerb.CONVERT, gettext_lazy("Convert into a draft"), "consultations:outcome-convert",
           form_class=forms.ConvertForm, style="outline-primary", when=lambda user, outcome: not outcome.converted),
]


class OutcomeDetailView(View):
    def get(self, request, pk):
        outcome = _get(request, selectors.outcomes_for(user=request.user).select_related(
            "proposal", "opinion_report", "converted_for"), pk, "consultations.view_outcome")
        actions = []
        for action in available_actions(OUTCOME_WORKFLOW, request.user, outcome, OUTCOME_ACTIONS):
            auto_id = action_auto_id(action)
            if action.verb == OutcomeVerb.CONVERT:
                form = forms.ConvertForm(outcome=outcome, auto_id=auto_id)
            elif action.verb == OutcomeVerb.NOTE:
                form = forms.FollowUpForm(initial={"date": timezone.localdate()}, auto_id=auto_id)
            else:
                form = action.form_class(auto_id=auto_id)
            actions.append((action, form))
        return render(request, "consultations/outcome_detail.html", {
            "outcome": outcome, "actions": actions, "today": timezone.localdate(),
            "may_edit": OUTCOME_WORKFLOW.may(request.user, outcome, OutcomeVerb.EDIT),
            "follow_ups": outcome.follow_ups.select_related("author"),
            "history": timeline(OUTCOME_WORKFLOW, outcome.status_changes.select_related("actor")),
        })


class OutcomeEditView(FormPageView):
    heading = gettext_lazy("Edit the outcome")
    success_message = gettext_lazy("The outcome was saved.")

    def get_object(self):
        return _get(self.request, selectors.outcomes_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_outcome")

    def check(self, obj):
        _check_verb(self.request.user, OUTCOME_WORKFLOW, obj, OutcomeVerb.EDIT)

    def get_form(self, obj, data=None):
        return forms.OutcomeForm.for_outcome(obj, data=data)

    def call(self, obj, form):
        return services.outcome_edit(actor=self.request.user, outcome=obj, **form.cleaned_data)


class _OutcomeVerbView(VerbView):
    workflow = OUTCOME_WORKFLOW

    def get_object(self):
        return _get(self.request, selectors.outcomes_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_outcome")


class _OutcomeMoveView(_OutcomeVerbView):
    form_class = forms.NoteForm

    def perform(self, obj, data):
        return services.outcome_move(actor=self.request.user, outcome=obj, verb=self.verb, note=data["note"])


class OutcomeStartView(_OutcomeMoveView):
    verb = OutcomeVerb.START
    success_message = gettext_lazy("The outcome is being implemented.")


class OutcomeImplementView(_OutcomeMoveView):
    verb = OutcomeVerb.IMPLEMENT
    success_message = gettext_lazy("The outcome was marked as implemented.")


class OutcomeKeepView(_OutcomeMoveView):
    verb = OutcomeVerb.KEEP
    success_message = gettext_lazy("The outcome is kept for attention.")


class OutcomeNoteView(_OutcomeVerbView):
    verb, form_class = OutcomeVerb.NOTE, forms.FollowUpForm
    success_message = gettext_lazy("The follow-up note was added.")

    def perform(self, obj, data):
        return services.outcome_note(actor=self.request.user, outcome=obj, date=data["date"], text=data["text"])


class OutcomeConvertView(_OutcomeVerbView):
    verb, form_class = OutcomeVerb.CONVERT, forms.ConvertForm
    success_message = gettext_lazy("The draft was created for the member; it is linked from this outcome.")

    def get_form_kwargs(self, obj):
        return {**super().get_form_kwargs(obj), "outcome": obj}

    def perform(self, obj, data):
        return services.outcome_convert(actor=self.request.user, outcome=obj, member=data["member"],
                                        target=data["target"])


# --- Topics ----------------------------------------------------------------------------------------------


class TopicListView(FilteredListView):
    permission_required = "consultations.view_topics"
    template_name = "consultations/topic_list.html"
    filterset_class = TopicFilterSet
    title = gettext_lazy("Consultation topics")
    export_url_name, export_permission = "consultations:topic-export", "consultations.export_consultations"

    def get_base_queryset(self):
        return selectors.topics_for(user=self.request.user).order_by("-created_at", "-id")


class TopicCreateView(PermissionRequiredMixin, FormPageView):
    permission_required = "consultations.add_topic"
    heading = gettext_lazy("Record a topic")
    success_message = gettext_lazy("The topic was recorded.")

    def get_form(self, obj, data=None):
        return forms.TopicForm(data=data, user=self.request.user)

    def cancel_url(self, obj):
        return reverse("consultations:topic-list")

    def call(self, obj, form):
        return services.topic_propose(actor=self.request.user, **form.cleaned_data)


class TopicProposeView(PermissionRequiredMixin, FormPageView):
    """A member proposes a topic online."""

    permission_required = "consultations.propose_topic"
    heading = gettext_lazy("Propose a consultation topic")
    success_message = gettext_lazy("Thank you. Your topic was sent to the consultation office.")

    def get_form(self, obj, data=None):
        return forms.MemberTopicForm(data=data)

    def cancel_url(self, obj):
        return reverse("consultations:session-list")

    def call(self, obj, form):
        services.topic_propose(actor=self.request.user, **form.cleaned_data)
        return _Redirect(reverse("consultations:my-topics"))


class _Redirect:
    def __init__(self, url):
        self.url = url

    def get_absolute_url(self):
        return self.url


class MyTopicsView(PermissionRequiredMixin, KeptPageMixin, ListView):
    permission_required = "consultations.propose_topic"
    template_name = "consultations/my_topics.html"
    context_object_name = "topics"
    paginate_by = 30

    def get_queryset(self):
        return Topic.objects.filter(proposed_by=self.request.user).select_related("street", "session")


TOPIC_ACTIONS = [
    Action(TopicVerb.ACCEPT, gettext_lazy("Accept"), "consultations:topic-accept", form_class=forms.NoteForm),
    Action(TopicVerb.DECLINE, gettext_lazy("Decline"), "consultations:topic-decline", form_class=forms.DeclineForm,
           style="outline-danger"),
    Action(TopicVerb.SCHEDULE, gettext_lazy("Schedule into a session"), "consultations:topic-schedule",
           form_class=forms.ScheduleForm),
]


class TopicDetailView(View):
    def get(self, request, pk):
        topic = _get(request, selectors.topics_for(user=request.user), pk, "consultations.view_topic")
        actions = []
        for action in available_actions(TOPIC_WORKFLOW, request.user, topic, TOPIC_ACTIONS):
            auto_id = action_auto_id(action)
            form = forms.ScheduleForm(user=request.user, topic=topic, auto_id=auto_id) \
                if action.verb == TopicVerb.SCHEDULE else action.form_class(auto_id=auto_id)
            actions.append((action, form))
        return render(request, "consultations/topic_detail.html", {
            "topic": topic, "actions": actions, "proposer_name": mask_name(topic.proposer_name),
            "proposer_contact": mask_mobile(topic.proposer_contact),
            "history": timeline(TOPIC_WORKFLOW, topic.status_changes.select_related("actor")),
            "may_edit": TOPIC_WORKFLOW.may(request.user, topic, TopicVerb.EDIT),
        })


class TopicEditView(FormPageView):
    heading = gettext_lazy("Edit the topic")
    success_message = gettext_lazy("The topic was saved.")

    def get_object(self):
        return _get(self.request, selectors.topics_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_topic")

    def check(self, obj):
        _check_verb(self.request.user, TOPIC_WORKFLOW, obj, TopicVerb.EDIT)

    def get_form(self, obj, data=None):
        return forms.TopicEditForm(data=data, initial={"title": obj.title, "description": obj.description})

    def call(self, obj, form):
        return services.topic_edit(actor=self.request.user, topic=obj, **form.cleaned_data)


class _TopicVerbView(VerbView):
    workflow = TOPIC_WORKFLOW

    def get_object(self):
        return _get(self.request, selectors.topics_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_topic")


class TopicAcceptView(_TopicVerbView):
    verb, form_class = TopicVerb.ACCEPT, forms.NoteForm
    success_message = gettext_lazy("The topic was accepted.")

    def perform(self, obj, data):
        return services.topic_accept(actor=self.request.user, topic=obj, note=data["note"])


class TopicDeclineView(_TopicVerbView):
    verb, form_class = TopicVerb.DECLINE, forms.DeclineForm
    success_message = gettext_lazy("The topic was declined.")

    def perform(self, obj, data):
        return services.topic_decline(actor=self.request.user, topic=obj, reason=data["reason"])


class TopicScheduleView(_TopicVerbView):
    verb, form_class = TopicVerb.SCHEDULE, forms.ScheduleForm
    success_message = gettext_lazy("The topic was scheduled.")

    def get_form_kwargs(self, obj):
        return {**super().get_form_kwargs(obj), "user": self.request.user, "topic": obj}

    def perform(self, obj, data):
        return services.topic_schedule(actor=self.request.user, topic=obj, session=data["session"])


# --- Rooms and coverage ------------------------------------------------------------------------------------


class RoomListView(FilteredListView):
    permission_required = "consultations.view_rooms"
    template_name = "consultations/room_list.html"
    filterset_class = RoomFilterSet
    title = gettext_lazy("Consultation rooms")
    ids_first = False
    export_url_name, export_permission = "consultations:room-export", "consultations.export_consultations"

    def get_base_queryset(self):
        return selectors.rooms_for(user=self.request.user).annotate(session_count=Count("sessions")).order_by(
            "level", "street__order", "name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, cards=self.request.GET.get("view") == "cards")


class RoomDetailView(View):
    def get(self, request, pk):
        room = _get(request, selectors.rooms_for(user=request.user), pk, "consultations.view_room")
        sessions = selectors.sessions_for(user=request.user).filter(room=room).order_by("-date")[:20]
        return render(request, "consultations/room_detail.html", {
            "room": room, "sessions": sessions, "photos": room.photos.all(), "photo_form": forms.PhotoForm(),
            "may_photo": request.user.has_perm("consultations.add_photo", room),
            "may_edit": request.user.has_perm("consultations.change_room", room)})


class RoomCreateView(PermissionRequiredMixin, FormPageView):
    permission_required = "consultations.add_room"
    heading = gettext_lazy("Add a consultation room")
    success_message = gettext_lazy("The room was saved.")

    def get_form(self, obj, data=None):
        return forms.RoomForm(data=data, user=self.request.user)

    def cancel_url(self, obj):
        return reverse("consultations:room-list")

    def call(self, obj, form):
        return services.room_save(actor=self.request.user, **form.cleaned_data)


class RoomEditView(FormPageView):
    heading = gettext_lazy("Edit the consultation room")
    success_message = gettext_lazy("The room was saved.")

    def get_object(self):
        return _get(self.request, selectors.rooms_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_room")

    def check(self, obj):
        if not self.request.user.has_perm("consultations.change_room", obj):
            raise PermissionDenied

    def get_form(self, obj, data=None):
        return forms.RoomForm(data=data, user=self.request.user, instance=Room.objects.get(pk=obj.pk))

    def call(self, obj, form):
        return services.room_save(actor=self.request.user, room=obj, **form.cleaned_data)


class CoverageView(PermissionRequiredMixin, View):
    permission_required = "consultations.view_rooms"

    def get(self, request):
        rows = selectors.street_coverage(user=request.user)
        covered = sum(1 for row in rows if row["rooms"])
        return render(request, "consultations/coverage.html", {"rows": rows, "covered": covered,
                                                                "total": len(rows)})


# --- Supervision projects ----------------------------------------------------------------------------------


class ProjectListView(FilteredListView):
    permission_required = "consultations.view_projects"
    template_name = "consultations/project_list.html"
    filterset_class = ProjectFilterSet
    title = gettext_lazy("Supervision projects")
    ids_first = False
    export_url_name, export_permission = "consultations:project-export", "consultations.export_consultations"

    def get_base_queryset(self):
        return selectors.projects_for(user=self.request.user).annotate(
            suggestion_count=Count("visits__outcomes", distinct=True)).order_by("street__order", "name", "pk")


class ProjectDetailView(View):
    def get(self, request, pk):
        project = _get(request, selectors.projects_for(user=request.user), pk, "consultations.view_project")
        visits = selectors.sessions_for(user=request.user).filter(project=project).annotate(
            outcome_count=Count("outcomes")).order_by("-date")
        outcomes = Outcome.objects.filter(session__project=project).select_related("session")
        return render(request, "consultations/project_detail.html", {
            "project": project, "visits": visits, "outcomes": outcomes,
            "may_edit": request.user.has_perm("consultations.change_project", project),
            "may_visit": request.user.has_perm("consultations.add_session")})


class ProjectCreateView(PermissionRequiredMixin, FormPageView):
    permission_required = "consultations.add_project"
    heading = gettext_lazy("Add a supervision project")
    success_message = gettext_lazy("The project was saved.")

    def get_form(self, obj, data=None):
        return forms.ProjectForm(data=data, user=self.request.user)

    def cancel_url(self, obj):
        return reverse("consultations:project-list")

    def call(self, obj, form):
        return services.project_save(actor=self.request.user, **form.cleaned_data)


class ProjectEditView(FormPageView):
    heading = gettext_lazy("Edit the supervision project")
    success_message = gettext_lazy("The project was saved.")

    def get_object(self):
        return _get(self.request, selectors.projects_for(user=self.request.user), self.kwargs["pk"],
                    "consultations.view_project")

    def check(self, obj):
        if not self.request.user.has_perm("consultations.change_project", obj):
            raise PermissionDenied

    def get_form(self, obj, data=None):
        return forms.ProjectForm(data=data, user=self.request.user,
                                 instance=type(obj).objects.get(pk=obj.pk))

    def call(self, obj, form):
        return services.project_save(actor=self.request.user, project=obj, **form.cleaned_data)




# --- Photos ----------------------------------------------------------------------------------------------


class _PhotoUploadView(View):
    http_method_names = ["post"]
    parent_kind = ""

    def post(self, request, pk):
        if self.parent_kind == "room":
            parent = _get(request, selectors.rooms_for(user=request.user), pk, "consultations.view_room")
        else:
            parent = _get(request, selectors.sessions_for(user=request.user), pk, "consultations.view_session")
        if not request.user.has_perm("consultations.add_photo", parent):
            raise PermissionDenied
        form = forms.PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.photo_add(actor=request.user, upload=form.cleaned_data["file"],
                                   caption=form.cleaned_data["caption"], **{self.parent_kind: parent})
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The photo was added."))
                return redirect(parent.get_absolute_url())
        messages.error(request, form_error_text(form))
        return redirect(parent.get_absolute_url())


class RoomPhotoUploadView(_PhotoUploadView):
    parent_kind = "room"


class SessionPhotoUploadView(_PhotoUploadView):
    parent_kind = "session"


def _photo_for(request, pk) -> Photo:
    photo = selectors.get_for(Photo.objects.select_related("room", "session"), pk)
    parent = photo.parent
    perm = "consultations.view_room" if photo.room_id else "consultations.view_session"
    if not request.user.has_perm(perm, parent):
        raise Http404
    return photo


class PhotoView(View):
    """A photo, inline (its content was checked to be a JPEG or PNG), for whoever may see its room or session."""

    def get(self, request, pk):
        photo = _photo_for(request, pk)
        try:
            handle = photo.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=photo.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class PhotoRemoveView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        photo = _photo_for(request, pk)
        parent = photo.parent
        if not request.user.has_perm("consultations.add_photo", parent):
            raise PermissionDenied
        services.photo_remove(actor=request.user, photo=photo)
        messages.success(request, _("The photo was removed."))
        return redirect(parent.get_absolute_url())
