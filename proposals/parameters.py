"""Business numbers of the proposal rules (DESIGN.md §3). Staff change them in the administration;
read them with get_parameter("proposals.…")."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.core.parameters import declare

REPLY_MONTHS = "proposals.reply_months"
REPLY_MAX_MONTHS = "proposals.reply_max_months"
EXTENSIONS_PER_ASSIGNMENT = "proposals.extensions_per_assignment"
OBJECTION_WORKING_DAYS = "proposals.objection_working_days"
CO_OPINION_MONTHS = "proposals.co_opinion_months"
CONTACT_WORKING_DAYS = "proposals.contact_working_days"
RATING_WINDOW_WORKING_DAYS = "proposals.rating_window_working_days"
REHANDLING_MONTHS = "proposals.rehandling_months"
REHANDLING_MAX_ROUNDS = "proposals.rehandling_max_rounds"
FOLLOWUP_MONTHS = "proposals.followup_months"
COSIGNERS_MAX = "proposals.cosigners_max"
ATTACHMENTS_MAX = "proposals.attachments_max"
SIMILAR_LIMIT = "proposals.similar_limit"

declare(REPLY_MONTHS, 3, _("Reply deadline: months after assignment"), minimum=1, maximum=12)
declare(REPLY_MAX_MONTHS, 6, _("Latest extended reply deadline: months after assignment"), minimum=1,
        maximum=24)
declare(EXTENSIONS_PER_ASSIGNMENT, 1, _("Deadline extensions allowed per assignment"), minimum=0, maximum=5)
declare(OBJECTION_WORKING_DAYS, 10, _("Working days a unit has to object to an assignment"), minimum=1,
        maximum=60)
declare(CO_OPINION_MONTHS, 1, _("Co-handling opinion due: months after assignment"), minimum=1, maximum=6)
declare(CONTACT_WORKING_DAYS, 15, _("Working days to contact the proposer after assignment"), minimum=1,
        maximum=90)
declare(RATING_WINDOW_WORKING_DAYS, 15, _("Working days proposers have to rate an approved reply"),
        minimum=1, maximum=90)
declare(REHANDLING_MONTHS, 1, _("Re-handling deadline: months after a dissatisfied rating"), minimum=1,
        maximum=6)
declare(REHANDLING_MAX_ROUNDS, 1, _("Re-handling rounds allowed per proposal"), minimum=0, maximum=5)
declare(FOLLOWUP_MONTHS, 6, _("Follow-up review (回头看) of a class B reply: months after approval"),
        minimum=1, maximum=24)
declare(COSIGNERS_MAX, 30, _("Most co-signers of a joint proposal"), minimum=1, maximum=200)
declare(ATTACHMENTS_MAX, 10, _("Most attachments per proposal"), minimum=1, maximum=50)
declare(SIMILAR_LIMIT, 5, _("Similar earlier proposals shown before submitting"), minimum=1, maximum=20)
