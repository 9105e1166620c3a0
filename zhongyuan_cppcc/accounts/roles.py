"""The roles of DESIGN.md §1. Each role is a Django group named by its code name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    CORRESPONDENT = "correspondent", _("Correspondent")
    HANDLER = "handler", _("Handling-unit officer")
    PROPOSAL_OFFICER = "proposal_officer", _("Proposal officer")
    OPINION_OFFICER = "opinion_officer", _("Information officer")
    CONSULTATION_OFFICER = "consultation_officer", _("Consultation officer")
    MEMBER_OFFICER = "member_officer", _("Member-affairs officer")
    LEADER = "leader", _("Leader")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


# 三员分立: no person may hold two of these roles.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

# Roles whose holders work for the CPPCC office (they see business data as officers).
OFFICER_ROLES = frozenset(
    {
        Role.PROPOSAL_OFFICER,
        Role.OPINION_OFFICER,
        Role.CONSULTATION_OFFICER,
        Role.MEMBER_OFFICER,
    }
)
