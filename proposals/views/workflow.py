"""Drafting, the detail page and the transition views."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors


@require_GET
def proposal_detail(request, pk: int):
    """One proposal as the viewer may see it: its data, its timeline and the actions open to them now."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    context = {
        "proposal": proposal,
        "timeline": selectors.timeline_for(user=request.user, proposal=proposal),
        "replies": selectors.replies_for(user=request.user, proposal=proposal),
        "attachments": selectors.attachments_for(user=request.user, proposal=proposal),
        "actions": selectors.actions_for(user=request.user, proposal=proposal),
    }
    return render(request, "proposals/proposal_detail.html", context)
