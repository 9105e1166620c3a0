from tests.url_matrix import DENY, HIDDEN, only

WRITERS = ("member", "correspondent")
READERS = ("opinion_officer", "leader")


def _foreign(status: str) -> int:
    """A report of somebody else (a correspondent) in `status`."""
    from tests.factories import make_user
    from tests.opinions.factories import make_report

    return make_report(author=make_user("correspondent"), status=status).pk


def _officer_post(status: str, **extra):
    """A verb of the information officer: leaders see the report but may not act (403), others 404."""
    return only("opinion_officer", others=HIDDEN, overrides={"leader": DENY}, method="post",
                kwargs=lambda user: {"pk": _foreign(status)}, **extra)


EXPECTATIONS = {
    # /opinions/ sends writers to their own list and the office and leaders to the list of all reports.
    "opinions:report-list": only(*WRITERS, *READERS),
    "opinions:report-mine": only(*WRITERS),
    "opinions:report-all": only(*READERS),
    "opinions:report-create": only(*WRITERS),
    # Another person's submitted report: the office and leaders read it, everybody else gets 404.
    "opinions:report-detail": only(*READERS, others=HIDDEN, kwargs=lambda user: {"pk": _foreign("submitted")}),
    # Another person's draft: nobody but its authors sees it.
    "opinions:report-edit": only(others=HIDDEN, kwargs=lambda user: {"pk": _foreign("draft")}),
    "opinions:report-autosave": only(others=HIDDEN, method="post", kwargs=lambda user: {"pk": _foreign("draft")}),
    "opinions:report-submit": only(others=HIDDEN, method="post", kwargs=lambda user: {"pk": _foreign("draft")}),
    "opinions:report-screen": _officer_post("submitted"),
    "opinions:report-adopt": _officer_post("screening"),
    "opinions:report-keep": _officer_post("screening"),
    "opinions:report-return": _officer_post("screening"),
    "opinions:report-sign-off": _officer_post("adopted"),
    "opinions:report-edit-adopted": only("opinion_officer", others=HIDDEN, overrides={"leader": DENY},
                                         kwargs=lambda user: {"pk": _foreign("adopted")}),
}


def _published_bulletin() -> int:
    from opinions import services
    from tests.factories import make_user
    from tests.opinions.factories import make_report

    officer = make_user("opinion_officer")
    bulletin = services.bulletin_create(actor=officer)
    services.bulletin_set_reports(bulletin=bulletin, actor=officer,
                                  report_ids=[make_report(officer=officer, status="adopted").pk])
    return services.bulletin_publish(bulletin=bulletin, actor=officer).pk


def _draft_bulletin() -> int:
    from opinions import services
    from tests.factories import make_user

    return services.bulletin_create(actor=make_user("opinion_officer")).pk


EXPECTATIONS.update({
    "opinions:bulletin-list": only(*READERS),
    "opinions:bulletin-create": only("opinion_officer", method="post"),
    # A published issue: the office and leaders read it; a draft issue only the office.
    "opinions:bulletin-detail": only(*READERS, others=HIDDEN, kwargs=lambda user: {"pk": _published_bulletin()}),
    "opinions:bulletin-print": only(*READERS, others=HIDDEN, kwargs=lambda user: {"pk": _published_bulletin()}),
    "opinions:bulletin-pdf": only(*READERS, others=HIDDEN, kwargs=lambda user: {"pk": _published_bulletin()}),
    "opinions:bulletin-compile": only("opinion_officer", method="post", kwargs=lambda user: {"pk": _draft_bulletin()}),
    "opinions:bulletin-publish": only("opinion_officer", method="post", kwargs=lambda user: {"pk": _draft_bulletin()}),
})


def _adopted_with(kind: str) -> int:
    from datetime import date

    from opinions import services
    from tests.factories import make_user
    from tests.opinions.factories import make_report

    officer = make_user("opinion_officer")
    report = make_report(author=make_user("correspondent"), officer=officer, status="adopted")
    if kind == "outcome":
        return services.outcome_record(report=report, actor=officer, level="city", kind="alone",
                                       day=date(2020, 1, 2))[0].pk
    return services.instruction_record(report=report, actor=officer, leader_title="district_head",
                                       level="district", day=date(2020, 1, 2), text="请研究").pk


EXPECTATIONS.update({
    "opinions:outcome-add": _officer_post("adopted"),
    "opinions:instruction-add": _officer_post("adopted"),
    "opinions:outcome-withdraw": only("opinion_officer", others=HIDDEN, overrides={"leader": DENY}, method="post",
                                      kwargs=lambda user: {"pk": _adopted_with("outcome")}),
    "opinions:instruction-withdraw": only("opinion_officer", others=HIDDEN, overrides={"leader": DENY},
                                          method="post", kwargs=lambda user: {"pk": _adopted_with("instruction")}),
    "opinions:batch-list": only(*READERS),
    "opinions:batch-create": only("opinion_officer", method="post"),
})

EXPECTATIONS["opinions:statistics"] = only(*READERS)

EXPECTATIONS["opinions:export"] = only(*READERS, method="post")
EXPECTATIONS["opinions:statistics-export"] = only(*READERS, method="post")


def _attachment_of(status: str) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opinions import services
    from tests.factories import make_user
    from tests.opinions.factories import make_report

    author = make_user("correspondent")
    report = make_report(author=author, status="draft")
    attachment = services.attachment_add(report=report, actor=author,
                                         upload=SimpleUploadedFile("说明.txt", "情况说明".encode()))
    if status != "draft":
        services.report_submit(report=report, actor=author)
    return attachment.pk


EXPECTATIONS.update({
    "opinions:attachment-add": only(others=HIDDEN, method="post", kwargs=lambda user: {"pk": _foreign("draft")}),
    "opinions:attachment-remove": only(others=HIDDEN, method="post",
                                       kwargs=lambda user: {"pk": _attachment_of("draft")}),
    # Material of another person's submitted report: the office and leaders download it, others 404.
    "opinions:attachment-download": only(*READERS, others=HIDDEN,
                                         kwargs=lambda user: {"pk": _attachment_of("submitted")}),
})
EXPECTATIONS["opinions:my-export"] = only(*WRITERS, method="post")
EXPECTATIONS["opinions:bulletin-export"] = only(*READERS, method="post")
EXPECTATIONS["opinions:batch-export"] = only(*READERS, method="post")
