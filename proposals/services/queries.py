"""Small reads the services share (who to notify)."""

from .. import access
from ..models import Proposal
from ._common import users_by_ids


def proposer_users(proposal: Proposal):
    """Active users who are proposers of `proposal` (lead, accepted co-signers, followers by merge)."""
    return users_by_ids(access.proposer_user_ids(proposal))
