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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
                on_invalid: Callable[[forms.Form], HttpResponse] | None = None) -> HttpResponse:
    """Run `call(cleaned_data)` for a valid form; success → message and redirect. A move the status no
    longer allows, or a refused permission → the service's message and redirect. A form or service error →
    `on_invalid(form)` (e.g. re-render with the form open), or a message and redirect."""
    if form.is_valid():
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
    messages.error(request, form_error_text(form))
    return redirect(redirect_to)


class EmptyForm(forms.Form):
    """For verbs that take no input."""


@dataclass(frozen=True)
class Action:
    """One row of a detail page's action table: shown when the user holds the verb's permission on the
    object (role, relation and status, from the workflow) and `when(user, obj)` holds, if given."""

    verb: str
    title: str
    url_name: str
    form_class: type[forms.Form] | None = None
    button: str = ""
    style: str = "primary"
    confirm: str = ""
    multipart: bool = False
    when: Callable[[object, object], bool] | None = None

    def url(self, obj) -> str:
        return reverse(self.url_name, args=[obj.pk])


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
