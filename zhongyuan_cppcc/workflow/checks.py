"""Start-up checks: a declared workflow without actors, or with a history model that is not a status-change
table, stops `manage.py check` (and therefore runserver, gunicorn's preload and migrate)."""

from django.core.checks import Error, register

from .engine import workflows


@register()
def check_workflows(app_configs=None, **kwargs) -> list[Error]:
    from .models import AbstractStatusChange

    errors = []
    for workflow in workflows():
        if workflow.actors is None:
            errors.append(Error(f"workflow {workflow.key} has no actor rules", id="workflow.E001",
                                hint="Call WORKFLOW.register_actors({...}) in the app's rules.py."))
        if workflow.history:
            try:
                model = workflow.history_model
            except LookupError:
                model = None
            if model is None or not issubclass(model, AbstractStatusChange):
                errors.append(Error(f"workflow {workflow.key}: history model {workflow.history[0]} is not an "
                                    "AbstractStatusChange", id="workflow.E002"))
    return errors
