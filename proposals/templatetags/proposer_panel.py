"""The proposer's panel on the detail page: drafting, co-signer invitations, submission and rating.

For the viewing user only what applies now: the lead proposer's draft buttons and co-signer list, an
invited member's accept/decline, a proposer's open rating and their own submitted ratings. A fixed
number of queries whatever the number of co-signers or rounds (the relation answers are cached on the
proposal by proposals.access, so the detail page's own permission checks are reused)."""

from django import template

from .. import access, selectors
from ..forms import InvitationDeclineForm, WithdrawForm
from ..models import InvitationStatus, Rating, RatingStatus
from ..workflow import Status, Verb

register = template.Library()


@register.inclusion_tag("proposals/_proposer_panel.html", takes_context=True)
def proposer_panel(context, proposal):
    request = context["request"]
    user = request.user
    base = {"proposal": proposal, "request": request, "user": user, "show": False}
    is_lead = access.is_lead(user, proposal)
    is_proposer = access.is_proposer(user, proposal)
    is_invitee = access.is_pending_invitee(user, proposal)
    if not (is_lead or is_proposer or is_invitee):
        return base
    actions = context.get("actions")
    if actions is None:
        actions = selectors.actions_for(user=user, proposal=proposal)
    actions = set(actions)
    invitations = selectors.invitations_for(user=user, proposal=proposal)
    my_invitation = next((i for i in invitations if i.member.user_id == user.pk
                          and i.status == InvitationStatus.PENDING), None)
    my_ratings = list(Rating.objects.filter(proposal=proposal, user=user, status=RatingStatus.RATED)
                      .order_by("round"))
    open_rating = selectors.open_rating_for(user=user, proposal=proposal) if Verb.RATE in actions else None
    return {
        **base,
        "show": True,
        "is_lead": is_lead,
        "is_draft": proposal.status == Status.DRAFT,
        "can_edit": Verb.UPDATE_DRAFT in actions,
        "can_submit": Verb.SUBMIT in actions,
        "can_withdraw": Verb.WITHDRAW in actions,
        "can_invite": Verb.INVITE_COSIGNER in actions,
        "can_withdraw_invitation": Verb.WITHDRAW_INVITATION in actions,
        "invitations": invitations,
        "my_invitation": my_invitation,
        "open_rating": open_rating,
        "my_ratings": my_ratings,
        "decline_form": InvitationDeclineForm(),
        "withdraw_form": WithdrawForm(),
    }
