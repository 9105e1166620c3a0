"""The opinion-report workflow: the role × status matrix, the verbs' services, the length rule."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from opinions import services
from opinions.counting import office_char_count
from opinions.models import OpinionReport
from opinions.workflow import WORKFLOW, Status, Verb
from tests.factories import make_user
from tests.members.factories import MemberFactory
from tests.opinions.factories import TEXT, make_report
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.notifications.models import Notification
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, InvalidTransition
from zhongyuan_cppcc.workflow.testing import matrix_mismatches, table_problems

pytestmark = pytest.mark.django_db

AUTHOR_VERBS = {Verb.UPDATE_DRAFT, Verb.SUBMIT, Verb.ADD_ATTACHMENT, Verb.REMOVE_ATTACHMENT}
OFFICER_VERBS = {Verb.START_SCREENING, Verb.ADOPT, Verb.KEEP, Verb.RETURN, Verb.EDIT_ADOPTED, Verb.SIGN_OFF,
                 Verb.RECORD_OUTCOME, Verb.WITHDRAW_OUTCOME}


def test_table_is_sound():
    assert table_problems(WORKFLOW) == []


def test_role_status_matrix():
    author = make_user("correspondent")
    co_author = MemberFactory(with_account=True)
    officer = make_user("opinion_officer")
    objects = {}
    for status in Status.values:
        report = make_report(author=author, officer=officer, status=status)
        report.co_authors.add(co_author)
        objects[status] = report
    users = {"author": author, "co_author": co_author.user, "officer": officer, "leader": make_user("leader"),
             "other_member": make_user("member"), "handler": make_user("handler"),
             "proposal_officer": make_user("proposal_officer"), "sysadmin": make_user("sysadmin")}
    expected = {verb: ({"officer"} if verb in OFFICER_VERBS else {"author"}) for verb in Verb.values}
    mismatches = matrix_mismatches(WORKFLOW, objects=objects, users=users, expected=expected)
    assert not mismatches, "\n".join(mismatches)


def test_view_permission_by_relation():
    report = make_report(status="submitted")
    co_author = MemberFactory(with_account=True)
    report.co_authors.add(co_author)
    for user, allowed in [(report.author, True), (co_author.user, True), (make_user("opinion_officer"), True),
                          (make_user("leader"), True), (make_user("member"), False), (make_user("handler"), False),
                          (make_user("correspondent"), False), (make_user("sysadmin"), False)]:
        assert user.has_perm("opinions.view_report", report) is allowed, user


class TestCounting:
    def test_spaces_do_not_count_punctuation_does(self):
        assert office_char_count("关于 加强，管理。", "a b\n\tc\u3000") == 11

    def test_limit_is_1500(self):
        author = make_user("member")
        ok = services.report_create(author=author, title="t", situation="字" * 1000, analysis="析" * 400,
                                    suggestion="议" * 100 + " " * 50)
        assert ok.pk
        with pytest.raises(ValidationError) as exc:
            services.report_create(author=author, title="超长", situation="字" * 1001, analysis="析" * 400,
                                   suggestion="议" * 100)
        assert "1501" in str(exc.value) and "1500" in str(exc.value)
        assert not OpinionReport.objects.filter(title="超长").exists()

    def test_update_over_the_limit_saves_nothing(self):
        report = make_report()
        with pytest.raises(ValidationError):
            services.report_update_draft(report=report, actor=report.author, title="新标题", situation="字" * 1501)
        report.refresh_from_db()
        assert report.title == "老旧小区加装电梯问题" and report.situation == TEXT["situation"]


class TestLifecycle:
    def test_submit_needs_the_parts(self):
        report = services.report_create(author=make_user("member"), title="空", situation="", analysis="",
                                        suggestion="")
        with pytest.raises(Exception) as exc:
            services.report_submit(report=report, actor=report.author)
        assert "情况" in str(exc.value) or "situation" in str(exc.value)
        report.refresh_from_db()
        assert report.status == Status.DRAFT

    @time_machine.travel("2025-03-04 10:00 +0800", tick=False)
    def test_submit_adopt_edit_sign_off(self, django_capture_on_commit_callbacks):
        officer = make_user("opinion_officer")
        report = make_report(status="submitted", officer=officer)
        assert report.submitted_at.year == 2025
        with django_capture_on_commit_callbacks(execute=True):
            services.report_adopt(report=report, actor=officer, note="录用")
        report.refresh_from_db()
        assert report.status == Status.ADOPTED
        assert report.adopted_title == "关于老旧小区加装电梯问题的建议"
        assert Notification.objects.filter(recipient=report.author, kind="opinions.adopted").count() == 1
        services.report_edit_adopted(report=report, actor=officer, adopted_title="关于加快老旧小区加装电梯的建议",
                                     adopted_analysis="分析", adopted_suggestion="建议一")
        services.report_sign_off(report=report, actor=officer, signed_off_by="张主任", signed_off_on=date(2025, 3, 4))
        report.refresh_from_db()
        assert (report.adopted_title, report.edited_by, report.signed_off_by) == (
            "关于加快老旧小区加装电梯的建议", officer, "张主任")
        assert report.situation == TEXT["situation"]  # the original stays
        verbs = list(report.status_changes.values_list("verb", flat=True))
        assert verbs == ["create", "submit", "adopt", "edit_adopted", "sign_off"]
        assert AuditEvent.objects.filter(action="opinions.adopt").exists()

    def test_keep_needs_a_reason_and_the_author_sees_it(self, django_capture_on_commit_callbacks):
        officer = make_user("opinion_officer")
        report = make_report(status="screening", officer=officer)
        with pytest.raises(ValidationError):
            services.report_keep(report=report, actor=officer, reason="  ")
        report.refresh_from_db()
        assert report.status == Status.SCREENING
        with django_capture_on_commit_callbacks(execute=True):
            services.report_keep(report=report, actor=officer, reason="内容与已采用信息重复")
        report.refresh_from_db()
        assert report.status == Status.KEPT and report.decision_reason == "内容与已采用信息重复"
        note = Notification.objects.get(recipient=report.author, kind="opinions.kept")
        assert "内容与已采用信息重复" in note.body

    def test_returned_report_is_edited_and_submitted_again(self):
        officer = make_user("opinion_officer")
        report = make_report(status="returned", officer=officer)
        first = report.submitted_at
        services.report_update_draft(report=report, actor=report.author, analysis="补充了数据")
        services.report_submit(report=report, actor=report.author)
        report.refresh_from_db()
        assert report.status == Status.SUBMITTED and report.submitted_at == first and report.decision_reason == ""

    def test_wrong_state_and_wrong_actor_are_refused(self):
        officer = make_user("opinion_officer")
        report = make_report(status="kept", officer=officer)
        with pytest.raises(InvalidTransition) as exc:
            services.report_adopt(report=report, actor=officer)
        assert "留存" in str(exc.value) or "Kept" in str(exc.value)
        draft = make_report()
        with pytest.raises(ActionNotAllowed):
            services.report_update_draft(report=draft, actor=make_user("member"), title="x")
        with pytest.raises(ActionNotAllowed):
            services.report_submit(report=draft, actor=officer)

    def test_conversion_from_a_proposal_keeps_the_text(self):
        author = make_user("member")
        report = services.opinion_report_create_draft(author=author, title="转来的提案", body="全文" * 10,
                                                      category="城乡建设")
        assert report.status == Status.DRAFT and report.body == "全文" * 10 and report.category == "other"


def test_autosave_is_audited_without_a_timeline_row():
    report = make_report()
    services.report_update_draft(report=report, actor=report.author, autosave=True, title="自动")
    services.report_update_draft(report=report, actor=report.author, title="手动")
    assert list(report.status_changes.values_list("verb", flat=True)) == ["create", "update_draft"]
    assert AuditEvent.objects.filter(action="opinions.update_draft").count() == 2
