"""Turning service refusals into form errors and one-sentence messages (shared by every app's views)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import DomainError


def add_service_error(form: forms.Form, error: Exception) -> None:
    """Attach a service's ValidationError (per field where it names one of the form's) or domain error."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    elif isinstance(error, DomainError):
        form.add_error(None, str(error))
    else:  # pragma: no cover - only domain errors are expected here
        raise error


def form_error_text(form: forms.Form) -> str:
    """A refused form's errors as one Chinese sentence for a flash message or an htmx fragment."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and name != "__all__" else ""
        for error in errors:
            parts.append(f"{label}：{error}" if label else str(error))
    return "；".join(parts) or str(_("The action could not be carried out."))
