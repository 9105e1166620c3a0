"""Writes on opinion reports."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from zhongyuan_cppcc.audit.services import audit_record

from .models import OpinionReport, ReportStatus


@transaction.atomic
def opinion_report_create_draft(
    *, author, title: str, body: str, category: str = "", origin: models.Model | None = None, actor=None
) -> OpinionReport:
    """Create a draft report for `author` (e.g. converted from a proposal). Audited."""
    report = OpinionReport.objects.create(
        author=author,
        title=title[:200],
        body=body,
        category=category[:30],
        status=ReportStatus.DRAFT,
        origin_type=ContentType.objects.get_for_model(origin) if origin is not None else None,
        origin_id=str(origin.pk) if origin is not None else "",
    )
    audit_record(action="opinions.report_draft_created", actor=actor or author, obj=report,
                 details={"origin": f"{origin._meta.label_lower}:{origin.pk}" if origin is not None else ""})
    return report
