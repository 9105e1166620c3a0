"""Opinion reports for tests, moved through the real services (never by setting status=)."""

from opinions import services
from opinions.models import OpinionReport
from tests.factories import make_user

TEXT = {"situation": "某社区老旧小区加装电梯推进缓慢。", "analysis": "资金分摊难以协调。",
        "suggestion": "建议设立专项补贴并简化审批。"}


def make_report(*, author=None, officer=None, status: str = "draft", title: str = "老旧小区加装电梯问题",
                **fields) -> OpinionReport:
    """A report in `status` (draft, submitted, screening, adopted, kept, returned)."""
    author = author or make_user("member")
    report = services.report_create(author=author, title=title, **{**TEXT, **fields})
    if status == "draft":
        return report
    services.report_submit(report=report, actor=author)
    officer = officer or make_user("opinion_officer")
    if status == "screening":
        services.report_start_screening(report=report, actor=officer)
    elif status == "adopted":
        services.report_adopt(report=report, actor=officer)
    elif status == "kept":
        services.report_keep(report=report, actor=officer, reason="与已有信息重复")
    elif status == "returned":
        services.report_return(report=report, actor=officer, reason="请补充具体数据")
    report.refresh_from_db()
    assert report.status == status
    return report
