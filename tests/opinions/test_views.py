"""The report screens end to end through the test client: scoping, escaping, refusals as messages."""

import pytest
import time_machine
from django.urls import reverse

from opinions.models import OpinionReport
from opinions.workflow import Status
from tests.factories import make_user
from tests.members.factories import MemberFactory
from tests.opinions.factories import TEXT, make_report
from zhongyuan_cppcc.core.registry import home_sections_for

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def form_data(**overrides):
    return {"title": "小区停车难", "category": "urban", **TEXT, **overrides}


def test_writer_creates_edits_and_submits(client_for):
    author = make_user("correspondent")
    client = client_for(author)
    page = client.get(reverse("opinions:report-create"))
    assert page.status_code == 200 and 'id="char-counter"' in page.content.decode()
    response = client.post(reverse("opinions:report-create"), form_data())
    report = OpinionReport.objects.get(author=author)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    client.post(reverse("opinions:report-edit", args=[report.pk]), form_data(title="小区停车难问题"))
    client.post(reverse("opinions:report-submit", args=[report.pk]))
    report.refresh_from_db()
    assert (report.title, report.status) == ("小区停车难问题", Status.SUBMITTED)
    assert client.get(reverse("opinions:report-edit", args=[report.pk])).status_code == 302


def test_1501_characters_refused_with_a_chinese_message(client_for):
    client = client_for(make_user("member"))
    response = client.post(reverse("opinions:report-create"), form_data(situation="字" * 1501, analysis="",
                                                                         suggestion=""))
    assert response.status_code == 200
    assert "1501" in response.content.decode() and "最多" in response.content.decode()
    assert not OpinionReport.objects.exists()


def test_autosave_creates_then_updates_one_draft(client_for):
    author = make_user("member")
    client = client_for(author)
    response = client.post(reverse("opinions:report-create"), form_data(title=""), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "data-new-autosave-url" in response.content.decode()
    report = OpinionReport.objects.get(author=author)
    response = client.post(reverse("opinions:report-autosave", args=[report.pk]), form_data(title="自动保存"),
                           HTTP_HX_REQUEST="true")
    assert 'data-testid="autosave-saved"' in response.content.decode()
    response = client.post(reverse("opinions:report-autosave", args=[report.pk]),
                           form_data(situation="字" * 1600), HTTP_HX_REQUEST="true")
    assert 'data-testid="autosave-errors"' in response.content.decode()
    report.refresh_from_db()
    assert OpinionReport.objects.count() == 1 and report.title == "自动保存" and report.situation == TEXT["situation"]


def test_scoping_and_idor(client_for):
    report = make_report(status="submitted")
    draft = make_report(author=report.author)
    co_author = MemberFactory(with_account=True)
    report.co_authors.add(co_author)
    detail = reverse("opinions:report-detail", args=[report.pk])
    assert client_for(report.author).get(detail).status_code == 200
    assert client_for(co_author.user).get(detail).status_code == 200
    for role in ("member", "correspondent", "handler", "proposal_officer", "sysadmin", "auditor"):
        assert client_for(make_user(role)).get(detail).status_code == 404, role
    officer = client_for(make_user("opinion_officer"))
    assert officer.get(detail).status_code == 200
    # Another person's draft is hidden even from the office; a foreign author may not submit it.
    assert officer.get(reverse("opinions:report-detail", args=[draft.pk])).status_code == 404
    other = client_for(make_user("member"))
    assert other.post(reverse("opinions:report-submit", args=[draft.pk])).status_code == 404
    assert other.post(reverse("opinions:report-autosave", args=[draft.pk]), form_data()).status_code == 404
    assert client_for(make_user("member")).get(reverse("opinions:report-detail", args=[999999])).status_code == 404
    # Own list shows own and co-authored reports only.
    mine = client_for(co_author.user).get(reverse("opinions:report-mine")).content.decode()
    assert report.title in mine


def test_officer_flow_and_leader_reads_only(client_for):
    officer_user = make_user("opinion_officer")
    officer = client_for(officer_user)
    report = make_report(status="submitted")
    page = officer.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="action-adopt"' in page and 'data-testid="action-keep"' in page
    leader = client_for(make_user("leader"))
    page = leader.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="action-' not in page
    assert leader.post(reverse("opinions:report-adopt", args=[report.pk])).status_code == 403
    # Keep without a reason: a message, nothing changed.
    response = officer.post(reverse("opinions:report-keep", args=[report.pk]), {"keep-reason": ""}, follow=True)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and "理由" in response.content.decode()
    officer.post(reverse("opinions:report-adopt", args=[report.pk]), {"adopt-note": "好"})
    report.refresh_from_db()
    assert report.status == Status.ADOPTED
    # A second adopt is refused with a message, not a 500.
    response = officer.post(reverse("opinions:report-adopt", args=[report.pk]), follow=True)
    assert response.status_code == 200 and "已录用" in response.content.decode()
    response = officer.post(reverse("opinions:report-edit-adopted", args=[report.pk]),
                            {"adopted_title": "关于解决小区停车难的建议",
                             "adopted_analysis": TEXT["situation"] + "新增",
                             "adopted_suggestion": TEXT["suggestion"]}, follow=True)
    page = response.content.decode()
    assert '<ins class="diff-ins">新增</ins>' in page
    officer.post(reverse("opinions:report-sign-off", args=[report.pk]),
                 {"sign_off-signed_off_by": "主席甲", "sign_off-signed_off_on": "2020-01-02"})
    report.refresh_from_db()
    assert report.signed_off_by == "主席甲"
    # The author sees the adopted text.
    assert "关于解决小区停车难的建议" in client_for(report.author).get(report.get_absolute_url()).content.decode()


def test_every_field_is_escaped(client_for):
    author = make_user("member")
    officer = make_user("opinion_officer")
    report = make_report(author=author, officer=officer, status="adopted", title=XSS, situation=XSS,
                         analysis=XSS, suggestion=XSS)
    from opinions import services
    services.report_edit_adopted(report=report, actor=officer, adopted_title=XSS, adopted_analysis=XSS + "x",
                                 adopted_suggestion=XSS)
    pages = [client_for(author).get(report.get_absolute_url()),
             client_for(officer).get(report.get_absolute_url()),
             client_for(officer).get(reverse("opinions:report-all")),
             client_for(author).get(reverse("opinions:report-mine")),
             client_for(officer).get(reverse("opinions:report-edit-adopted", args=[report.pk]))]
    for response in pages:
        assert response.status_code == 200
        assert XSS not in response.content.decode()


def test_bad_filters_do_not_break_the_list(client_for):
    make_report(status="submitted")
    client = client_for(make_user("leader"))
    for query in ("?year=abc", "?status=nope", "?street=x&sector=%00", "?page=999", "?q=" + "长" * 500):
        response = client.get(reverse("opinions:report-all") + query)
        # NUL characters get the platform's 400 page; nothing else may fail.
        assert response.status_code in ((400,) if "%00" in query else (200, 404)), query
    response = client.get(reverse("opinions:report-all") + "?status=submitted")
    assert "老旧小区" in response.content.decode()


def test_converted_report_links_back_to_the_proposal(client_for):
    from proposals import services as proposal_services
    from proposals.models import RejectionGround
    from tests.proposals.factories import ProposalFactory

    proposal = ProposalFactory(submitted=True)
    officer = make_user("proposal_officer")
    proposal_services.proposal_reject(actor=officer, proposal=proposal, ground=RejectionGround.NO_SUGGESTION,
                                      convert_to_opinion=True)
    proposal.refresh_from_db()
    page = client_for(proposal.author).get(proposal.opinion_report.get_absolute_url()).content.decode()
    assert f'href="/proposals/{proposal.pk}/"' in page


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@time_machine.travel("2025-05-01 10:00 +0800", tick=False)
def test_list_and_statistics_queries_do_not_grow_with_rows(client_for, django_assert_max_num_queries):
    officer = make_user("opinion_officer")
    client = client_for(officer)
    for _ in range(3):
        make_report(officer=officer, status="adopted")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("opinions:report-all"), reverse("opinions:statistics") + "?year=2025"]
    before = {url: count(url) for url in urls}
    for _ in range(12):
        make_report(officer=officer, status="adopted")
    for url in urls:
        assert count(url) <= before[url], url
    _queries_for(client, urls[0], django_assert_max_num_queries, 25)


def test_home_sections_and_navigation(client_for):
    make_report(status="submitted")
    officer_home = client_for(make_user("opinion_officer")).get("/").content.decode()
    assert "已提交，待筛选" in officer_home and reverse("opinions:report-list") in officer_home
    writer = make_user("correspondent")
    writer_home = client_for(writer).get("/").content.decode()
    assert reverse("opinions:report-create") in writer_home
    # The writer's figures (one aggregate over their own reports) are the numbers their lists show.
    for status in ("draft", "returned", "adopted", "submitted"):
        make_report(author=writer, status=status)
    mine = reverse("opinions:report-mine")
    links = {link.url: link.count for section in home_sections_for(writer) for link in section.links}
    for url in (mine, f"{mine}?stage=revision", f"{mine}?status=adopted"):
        assert links[url] == client_for(writer).get(url).context["page_obj"].paginator.count, url
    assert (links[mine], links[f"{mine}?stage=revision"], links[f"{mine}?status=adopted"]) == (4, 2, 1)
    handler_home = client_for(make_user("handler")).get("/").content.decode()
    assert reverse("opinions:report-list") not in handler_home
