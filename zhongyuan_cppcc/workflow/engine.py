"""A workflow declaration: statuses, verbs, the one transition table and who may perform each verb.

An app declares its workflow once, in `<app>/workflow.py` (statuses, verbs, table — nothing else):

    WORKFLOW = Workflow(app_label="opinions", model_name="report", status=Status, verb=Verb,
                        transitions=TRANSITIONS, terminal={Status.ADOPTED, Status.KEPT},
                        history=("opinions.ReportStatusChange", "report"))

and registers the actors in `<app>/rules.py` (where its predicates live):

    WORKFLOW.register_actors({Verb.SUBMIT: is_author, Verb.ADOPT: is_opinion_officer, ...})

which adds one django-rules permission per verb, `<app_label>.<verb>_<model_name>`, granted when the actor
predicate holds AND the object's status allows the verb in the table. A verb without an actor is refused at
registration and by a start-up check (`manage.py check`), as is a workflow whose actors were never registered.
Verbs that leave the status unchanged (editing a draft, recording a note) are self-loops in the table, so the
table is the single answer to "may this happen now?".
"""

from collections.abc import Callable, Iterable, Mapping

import rules
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .errors import ActionNotAllowed, InvalidTransition

_REGISTRY: dict[str, "Workflow"] = {}


def loops(verb: str, statuses: Iterable[str]) -> dict[tuple[str, str], str]:
    """Table entries for a verb that leaves each of `statuses` unchanged."""
    return {(status, verb): status for status in statuses}


class Workflow:
    def __init__(
        self,
        *,
        app_label: str,
        model_name: str,
        status: type[models.TextChoices],
        verb: type[models.TextChoices],
        transitions: Mapping[tuple[str, str], str],
        initial: str | None = None,
        terminal: Iterable[str] = (),
        history: tuple[str, str] | None = None,
        status_field: str = "status",
        invalid_transition: type[InvalidTransition] = InvalidTransition,
        not_allowed: type[ActionNotAllowed] = ActionNotAllowed,
        on_saved: Callable[[models.Model], None] | None = None,
        register: bool = True,
    ) -> None:
        """`invalid_transition` / `not_allowed`: the app's subclasses of the engine's errors, raised by the
        services (so an app's own error texts and `except` clauses keep working); `on_saved(obj)`: called
        after transition() saved the new status (e.g. to drop per-instance permission caches)."""
        self.app_label, self.model_name = app_label, model_name
        self.Status, self.Verb = status, verb
        self.transitions = dict(transitions)
        self.initial = initial if initial is not None else status.values[0]
        self.terminal = frozenset(terminal)
        self.history = history
        self.status_field = status_field
        self.invalid_transition, self.not_allowed = invalid_transition, not_allowed
        self.on_saved = on_saved
        self.actors: dict[str, rules.Predicate] | None = None
        self._status_predicates: dict[str, rules.Predicate] = {}
        self._validate()
        if register:  # register=False: a throw-away declaration (tests)
            if self.key in _REGISTRY:
                raise ImproperlyConfigured(f"workflow {self.key} declared twice")
            _REGISTRY[self.key] = self

    # --- The table --------------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return f"{self.app_label}.{self.model_name}"

    def __repr__(self) -> str:
        return f"<Workflow {self.key}>"

    def _validate(self) -> None:
        statuses, verbs = set(self.Status.values), set(self.Verb.values)
        for (status, verb), to in self.transitions.items():
            if status not in statuses or to not in statuses:
                raise ImproperlyConfigured(f"{self.key}: unknown status in ({status!r}, {verb!r}) → {to!r}")
            if verb not in verbs:
                raise ImproperlyConfigured(f"{self.key}: unknown verb {verb!r}")
        unused = verbs - {verb for (_status, verb) in self.transitions}
        if unused:
            raise ImproperlyConfigured(f"{self.key}: verbs missing from the table: {sorted(unused)}")
        if self.initial not in statuses or not self.terminal <= statuses:
            raise ImproperlyConfigured(f"{self.key}: unknown initial or terminal status")

    def target(self, status: str, verb: str) -> str | None:
        """The status `verb` leads to from `status`, or None when the move is not allowed."""
        return self.transitions.get((status, verb))

    def can(self, status: str, verb: str) -> bool:
        return (status, verb) in self.transitions

    def statuses_allowing(self, verb: str) -> frozenset[str]:
        return frozenset(status for (status, v) in self.transitions if v == verb)

    def verbs_from(self, status: str) -> list[str]:
        """The verbs the table allows in `status`, in the order of the Verb choices."""
        allowed = {v for (s, v) in self.transitions if s == status}
        return [v for v in self.Verb.values if v in allowed]

    def moves(self, status: str) -> list[str]:
        """The verbs that leave `status` for another status."""
        return [v for v in self.verbs_from(status) if self.transitions[(status, v)] != status]

    def reachable(self) -> set[str]:
        seen, todo = {self.initial}, [self.initial]
        while todo:
            status = todo.pop()
            for (s, _verb), to in self.transitions.items():
                if s == status and to not in seen:
                    seen.add(to)
                    todo.append(to)
        return seen

    def status_label(self, value: str) -> str:
        return str(self.Status(value).label) if value in self.Status.values else value

    def verb_label(self, value: str) -> str:
        return str(self.Verb(value).label) if value in self.Verb.values else value

    def status_of(self, obj) -> str:
        return getattr(obj, self.status_field)

    # --- Permissions ------------------------------------------------------------------------------------

    def permission_name(self, verb: str) -> str:
        """The django-rules permission guarding a verb, e.g. proposals.register_proposal."""
        return f"{self.app_label}.{verb}_{self.model_name}"

    def status_allows(self, verb: str) -> rules.Predicate:
        """A predicate that holds when the object's status allows `verb` in the table."""
        if verb not in self._status_predicates:
            workflow = self

            @rules.predicate(name=f"{self.key}:status_allows:{verb}")
            def predicate(user, obj) -> bool:
                return obj is not None and hasattr(obj, workflow.status_field) and \
                    workflow.can(workflow.status_of(obj), verb)

            self._status_predicates[verb] = predicate
        return self._status_predicates[verb]

    def register_actors(self, actors: Mapping[str, rules.Predicate]) -> None:
        """Add `<app>.<verb>_<model>` = actor & status_allows(verb) for every verb; every verb needs one."""
        missing = set(self.Verb.values) - set(actors)
        extra = set(actors) - set(self.Verb.values)
        if missing or extra:
            raise ImproperlyConfigured(
                f"{self.key}: every verb needs exactly one actor rule (missing {sorted(missing)}, "
                f"unknown {sorted(extra)})")
        self.actors = {str(verb): predicate for verb, predicate in actors.items()}
        for verb, actor in self.actors.items():
            rules.set_perm(self.permission_name(verb), actor & self.status_allows(verb))

    def actor_may(self, user, obj, verb: str) -> bool:
        """The role/relation part of the rule alone (without the status): is this user that kind of actor?"""
        if self.actors is None:
            raise ImproperlyConfigured(f"{self.key}: actors not registered")
        return bool(self.actors[verb].test(user, obj))

    def may(self, user, obj, verb: str) -> bool:
        """The verb's permission, as the services check it (rules only: no superuser short-cut)."""
        return rules.has_perm(self.permission_name(verb), user, obj)

    # --- History ----------------------------------------------------------------------------------------

    @property
    def history_model(self):
        return apps.get_model(self.history[0]) if self.history else None

    @property
    def history_fk(self) -> str | None:
        return self.history[1] if self.history else None


def workflows() -> list[Workflow]:
    """Every declared workflow (the apps' workflow modules are imported by their rules modules)."""
    return list(_REGISTRY.values())


def get_workflow(key: str) -> Workflow:
    return _REGISTRY[key]
