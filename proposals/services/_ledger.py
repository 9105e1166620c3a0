"""Duty-performance ledger events of a proposal (members.services is the only writer of the ledger)."""

from datetime import date

from members.models import LedgerKind, Member
from members.services import ledger_record_event, ledger_withdraw_events

from ..models import InvitationStatus, Proposal

LEAD, COSIGNER, KEY, EXCELLENT = "lead", "cosigner", "key", "excellent"


def member_proposers(proposal: Proposal) -> list[tuple[Member, str]]:
    """(member, "lead" | "cosigner") for the proposal's own proposers (collective proposals have none)."""
    rows: list[tuple[Member, str]] = []
    if proposal.lead_member_id:
        rows.append((Member.objects.get(pk=proposal.lead_member_id), LEAD))
    cosigners = Member.objects.filter(proposal_invitations__proposal=proposal,
                                      proposal_invitations__status=InvitationStatus.ACCEPTED).order_by("pk")
    rows.extend((member, COSIGNER) for member in cosigners if member.pk != proposal.lead_member_id)
    return rows


def record_registration(proposal: Proposal, *, day: date, actor) -> int:
    rows = member_proposers(proposal)
    for member, subkind in rows:
        ledger_record_event(member=member, kind=LedgerKind.PROPOSAL, subkind=subkind, date=day, source=proposal,
                            note=proposal.number, actor=actor)
    return len(rows)


def record_extra(proposal: Proposal, subkind: str, *, day: date, actor) -> int:
    rows = member_proposers(proposal)
    for member, _role in rows:
        ledger_record_event(member=member, kind=LedgerKind.PROPOSAL, subkind=subkind, date=day, source=proposal,
                            note=proposal.number, actor=actor)
    return len(rows)


def withdraw(proposal: Proposal, subkind: str | None = None) -> int:
    return ledger_withdraw_events(source=proposal, kind=LedgerKind.PROPOSAL, subkind=subkind)
