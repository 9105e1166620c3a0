"""Business numbers of the members module that staff may change without a deploy."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.core.parameters import declare

GRADE_EXCELLENT = declare("members.grade_excellent_min", 90, _("Annual score from which a member is excellent"))
GRADE_GOOD = declare("members.grade_good_min", 80, _("Annual score from which a member is good"))
GRADE_COMPETENT = declare("members.grade_competent_min", 60,
                          _("Annual score from which a member is competent"))
EXCELLENT_PERCENT = declare("members.excellent_top_percent", 10,
                            _("Excellent-member shortlist: top percentage of the ranking"),
                            minimum=1, maximum=100)
IMPORT_MAX_BYTES = declare("members.import_max_bytes", 20 * 1024 * 1024,
                           _("Member import: largest accepted file (bytes)"), minimum=1024)
IMPORT_MAX_ROWS = declare("members.import_max_rows", 20_000,
                          _("Member import: most data rows in one file"), minimum=1)
IMPORT_SYNC_MAX_ROWS = declare("members.import_sync_max_rows", 300,
                               _("Member import: files with more rows run in the background"), minimum=0)
IMPORT_MAX_UNCOMPRESSED_BYTES = declare(
    "members.import_max_uncompressed_bytes", 100 * 1024 * 1024,
    _("Member import: largest unpacked workbook (bytes), against zip bombs"), minimum=1024,
)
