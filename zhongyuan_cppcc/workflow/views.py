"""View helpers shared by every app: perform a verb from a POST, and the detail page's action table.

A transition view is POST-only: selector (404 outside the user's scope) → permission → form → service →
message → redirect (PRG). Refusals become messages; nothing is changed; never a 500.

    class ReportAdoptView(VerbView):
        workflow, verb = WORKFLOW, Verb.ADOPT
        form_class = NoteForm
        success_message = _("The report was adopted.")

        def get_object(self):
            return selectors.report_get_for(user=self.request.user, pk=self.kwargs["pk"])

        def perform(self, obj, data):
            return services.report_adopt(report=obj, actor=self.request.user, note=data["note"])

The detail page lists what the user may do now from a declarative table:

    ACTIONS = [Action(Verb.ADOPT, _("Adopt"), "opinions:report-adopt", form_class=NoteForm), ...]
    actions = available_actions(WORKFLOW, request.user, report, ACTIONS)
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from .engine import Workflow
from .errors import ActionNotAllowed, DomainError, InvalidTransition
from .forms import add_service_error, form_error_text


def run_service(request, *, form: forms.Form, call: Callable[[dict], object], success, redirect_to: str,
                on_invalid: Callable[[forms.Form], HttpResponse] | None = None,
                invalid_message: str = "") -> HttpResponse:
    """Run `call(cleaned_data)` for a valid form; success → message and redirect. A move the status no
    longer allows, or a refused permission → the service's message and redirect. A form or service error →
    `on_invalid(form)` (e.g. re-render with the form open), or a message and redirect: the service's
    message, or for a form that did not validate `invalid_message` when given (else the form's errors)."""
    valid = form.is_valid()
    if valid:
        try:
            result = call(form.cleaned_data)
        except (InvalidTransition, ActionNotAllowed) as exc:
            messages.error(request, str(exc))
            return redirect(redirect_to)
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else str(success))
            return redirect(redirect_to)
    if on_invalid is not None:
        return on_invalid(form)
    messages.error(request, str(invalid_message) if invalid_message and not valid else form_error_text(form))
    return redirect(redirect_to)


class EmptyForm(forms.Form):
    """For verbs that take no input."""


@dataclass(frozen=True)
class Action:
    """One row of a detail page's action table: shown when the user holds the verb's permission on the
    object (role, relation and status, from the workflow) and `when(user, obj)` holds, if given.

    Optional: `slot` names the row's form on the page (default: the verb; two rows of one slot, such as
    mark/unmark, are alternatives); `initial(obj)`, `form_kwargs(obj)` and `intro(obj)` are computed when the
    page is drawn; `hidden` are fixed hidden inputs; `link` makes the row a link to the verb's own page."""

    verb: str
    title: str
    url_name: str
    form_class: type[forms.Form] | None = None
    button: str = ""
    style: str = "primary"
    confirm: str = ""
    multipart: bool = False
    when: Callable[[object, object], bool] | None = None
    slot: str = ""
    initial: Callable[[object], dict] | None = None
    form_kwargs: Callable[[object], dict] | None = None
    intro: Callable[[object], str] | None = None
    hidden: Mapping[str, str] = field(default_factory=dict)
    link: bool = False

    @property
    def key(self) -> str:
        return self.slot or str(self.verb)

    def url(self, obj, *args) -> str:
        """The verb's URL for `obj` (or for `args`, e.g. a row of the object such as an assignment)."""
        return reverse(self.url_name, args=list(args) or [obj.pk])

    def build_form(self, obj, **kwargs) -> forms.Form | None:
        """An unbound form for the page (None for a verb without input)."""
        if self.form_class is None:
            return None
        return self.form_class(initial=self.initial(obj) if self.initial else None,
                               **(self.form_kwargs(obj) if self.form_kwargs else {}), **kwargs)


def available_actions(workflow: Workflow, user, obj, table: Sequence[Action]) -> list[Action]:
    return [action for action in table
            if workflow.may(user, obj, action.verb) and (action.when is None or action.when(user, obj))]


class VerbView(View):
    """POST-only view performing one verb. Subclasses set `workflow`, `verb`, `form_class` and
    `success_message`, and implement `get_object()` (scoped selector: 404 outside the user's scope) and
    `perform(obj, cleaned_data)` (the service call). A user who may see the object but is not an actor of the
    verb gets 403; the right actor at the wrong moment gets the service's message."""

    http_method_names = ["post"]
    workflow: Workflow
    verb: str
    form_class: type[forms.Form] = EmptyForm
    success_message = ""

    def get_object(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def perform(self, obj, data: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_form_kwargs(self, obj) -> dict:
        return {"data": self.request.POST, "files": self.request.FILES}

    def get_success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def on_invalid(self, obj, form) -> HttpResponse | None:
        """Override to re-render the detail page with the form open; default: message and redirect."""
        return None

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.workflow.actor_may(request.user, obj, self.verb):
            raise PermissionDenied
        form = self.form_class(**self.get_form_kwargs(obj))
        custom = (lambda f: self.on_invalid(obj, f)) if type(self).on_invalid is not VerbView.on_invalid else None
        return run_service(request, form=form, call=lambda data: self.perform(obj, data),
                           success=self.success_message, redirect_to=self.get_success_url(obj), on_invalid=custom)


class ServiceFormMixin:
    """For a FormView whose valid form runs one service: success → message and redirect (PRG); the
    service's refusal (a DomainError or ValidationError) goes back onto the form, which is shown again —
    nothing was changed. Subclasses implement `perform(data)` and set `success_message` / `success_url`
    (a URL or URL name), or override `get_success_message(result)` / `get_success_url(result)`;
    `get_service_data(form)` (default: the cleaned data) is what `perform` receives.

        class VisitCreateView(PermissionRequiredMixin, ServiceFormMixin, FormView):
            form_class, success_url = VisitForm, "members:visit-list"
            success_message = _("The visit was recorded.")

            def perform(self, data):
                return services.visit_record(actor=self.request.user, **data)
    """

    success_message = ""

    def perform(self, data: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_service_data(self, form) -> dict:
        return form.cleaned_data

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self, result=None) -> str:
        return str(self.success_url)

    def form_valid(self, form):
        try:
            result = self.perform(self.get_service_data(form))
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))
