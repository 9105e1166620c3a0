"""The proposer's panel on the detail page: drafting, co-signer invitations, submission and rating."""

from django import template

register = template.Library()


@register.inclusion_tag("proposals/_proposer_panel.html", takes_context=True)
def proposer_panel(context, proposal):
    request = context["request"]
    return {"proposal": proposal, "request": request, "user": request.user}
