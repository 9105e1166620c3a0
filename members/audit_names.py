"""The points ledger's codes in audit details, by name: the audit log shows "类型：社会贡献 子类：助力招商引资"
instead of "contribution / investment" (registered with the audit labels in MembersConfig.ready)."""

from .models import LedgerKind, LedgerRule


def _ledger_details(details: dict) -> bool:
    """Ledger rows' details name both codes; another app's "kind" alone is not the ledger's."""
    return "kind" in details and "subkind" in details


def ledger_kind_name(details: dict, names: dict) -> str | None:
    if not _ledger_details(details):
        return None
    return dict(LedgerKind.choices).get(details["kind"])


def ledger_subkind_name(details: dict, names: dict) -> str | None:
    if not _ledger_details(details) or not details["subkind"]:
        return None
    key = ("members.ledgerrule", "labels")
    if key not in names:  # every rule's words, once per page or export chunk
        names[key] = {(kind, subkind): label for kind, subkind, label in
                      LedgerRule.objects.values_list("kind", "subkind", "label")}
    return names[key].get((details["kind"], details["subkind"]))
