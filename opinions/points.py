"""Points a report earned its authors: the live ledger events whose source is one of its outcomes or
instructions, valued by the members' rules table (DESIGN.md §5, §7)."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType


def points_for_report(report) -> list[dict]:
    """[{member, label, points, date}] for the live events of this report's outcomes and instructions."""
    from members.models import LedgerEvent, LedgerKind, LedgerRule

    from .models import Instruction, Outcome

    sources = []
    for model, ids in ((Outcome, [o.pk for o in report.outcomes.all()]),
                       (Instruction, [i.pk for i in report.instructions.all()])):
        if ids:
            sources.append((ContentType.objects.get_for_model(model), [str(pk) for pk in ids]))
    if not sources:
        return []
    rules = {r.subkind: r for r in LedgerRule.objects.filter(kind=LedgerKind.OPINION)}
    rows = []
    for content_type, ids in sources:
        events = LedgerEvent.objects.filter(source_type=content_type, source_id__in=ids, withdrawn_at__isnull=True,
                                            kind=LedgerKind.OPINION).select_related("member").order_by("date", "id")
        for event in events:
            rule = rules.get(event.subkind)
            points = event.points_override if event.points_override is not None else \
                (rule.points if rule else Decimal(0))
            rows.append({"member": event.member.name, "label": rule.label if rule else event.subkind,
                         "points": points, "date": event.date})
    return rows
