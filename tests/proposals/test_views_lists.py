"""Proposal lists per role, archive, per-unit table, export, print, home page and dashboard."""

import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals import services
from proposals.models import Assignment, Proposal, Reply
from proposals.workflow import Status
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.core.registry import home_sections_for

from .factories import ProposalFactory, make_member

MINE = reverse("proposals:my-proposals")
UNIT = reverse("proposals:unit-list")
ALL = reverse("proposals:officer-list")
BULK = reverse("proposals:bulk-assign")
QUEUE = reverse("proposals:approval-queue")
KEY = reverse("proposals:key-list")
UNITS = reverse("proposals:unit-table")
ARCHIVE = reverse("proposals:archive")
EXPORT = reverse("proposals:export")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def shows(page: str, proposal: Proposal) -> bool:
    return f'data-testid="row-{proposal.pk}"' in page


def sheet_rows(response) -> list[list]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def overdue(proposal: Proposal, days: int = 3) -> Proposal:
    Proposal.objects.filter(pk=proposal.pk).update(reply_due_on=timezone.localdate() - timedelta(days=days))
    proposal.refresh_from_db()
    return proposal


# --- Landing ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_landing_sends_each_role_to_its_list(client_for, w, member, user_with_role):
    landing = reverse("proposals:proposal-list")
    assert client_for(member.user).get(landing)["Location"] == MINE
    assert client_for(w.lead_handler).get(landing)["Location"] == UNIT
    assert client_for(w.officer).get(landing)["Location"] == ALL
    assert client_for(w.leader).get(landing)["Location"] == KEY
    assert client_for(user_with_role("correspondent")).get(landing).status_code == 403


# --- Member ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_member_sees_own_and_cosigned_proposals_only(client_for, w, member, other_member):
    own = ProposalFactory(author=member.user, assigned=True)
    cosigned = ProposalFactory(author=other_member.user, cosigners=[member], submitted=True)
    foreign = ProposalFactory(author=other_member.user, submitted=True)
    invited = ProposalFactory(author=other_member.user)
    services.proposal_invite_cosigner(actor=other_member.user, proposal=invited, member=member)
    page = html(client_for(member.user).get(MINE))
    assert shows(page, own) and shows(page, cosigned) and not shows(page, foreign)
    assert "第一提案人" in page and "联名人" in page
    # The reply deadline of the assigned proposal and the waiting invitation with a link to the detail page.
    assert own.reply_due_on.isoformat() in page
    assert 'data-testid="invitations"' in page
    assert reverse("proposals:proposal-detail", args=[invited.pk]) in page
    # The other member does not see the first member's own proposal.
    assert not shows(html(client_for(other_member.user).get(MINE)), own)


@pytest.mark.django_db
def test_member_follows_the_main_proposal_after_a_merge(client_for, w, member, other_member):
    cosigner = make_member()
    merged = ProposalFactory(author=member.user, cosigners=[cosigner], submitted=True)
    main = ProposalFactory(author=other_member.user, submitted=True)
    services.proposal_merge(actor=w.officer, proposal=merged, into=main)
    for user in (member.user, cosigner.user):
        page = html(client_for(user).get(MINE))
        assert shows(page, merged) and shows(page, main)
        assert "因并案关联" in page or "已并案办理" in page
    assert not shows(html(client_for(make_member().user).get(MINE)), main)


@pytest.mark.django_db
def test_member_list_asks_for_a_rating_with_its_deadline(client_for, w, member):
    replied = ProposalFactory(author=member.user, replied=True)
    page = html(client_for(member.user).get(MINE))
    assert shows(page, replied)
    assert "请于" in page and "评价" in page


# --- Handling unit ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unit_sees_only_its_proposals_with_role_urgency_and_overdue(client_for, w):
    late = overdue(ProposalFactory(assigned=True, title="关于逾期事项的建议"))
    fresh = ProposalFactory(assigned=True, title="关于新交办事项的建议")
    alone = ProposalFactory(assigned=True, with_co_unit=False)
    registered = ProposalFactory(registered=True)
    lead_page = html(client_for(w.lead_handler).get(UNIT))
    assert shows(lead_page, late) and shows(lead_page, fresh) and shows(lead_page, alone)
    assert not shows(lead_page, registered)
    assert lead_page.index(f"row-{late.pk}") < lead_page.index(f"row-{fresh.pk}")  # most urgent first
    assert 'data-testid="overdue"' in lead_page and "已逾期" in lead_page
    assert "待确认接收" in lead_page
    co_page = html(client_for(w.co_handler).get(UNIT))
    assert shows(co_page, fresh) and not shows(co_page, alone)
    assert "会办单位" in co_page
    other_page = html(client_for(w.other_handler).get(UNIT))
    assert not shows(other_page, late) and not shows(other_page, fresh)


@pytest.mark.django_db
def test_unit_cannot_pick_another_units_id(client_for, w):
    assert client_for(w.lead_handler).get(UNIT, {"unit": w.other_unit.pk}).status_code == 404
    assert client_for(w.lead_handler).get(UNIT, {"unit": w.lead_unit.pk}).status_code == 200


@pytest.mark.django_db
def test_unit_objection_window_counts_working_days(client_for, w):
    from proposals import deadlines

    proposal = ProposalFactory(assigned=True)
    assignment = Assignment.objects.get(proposal=proposal, unit=w.lead_unit, superseded_at__isnull=True)
    due = deadlines.objection_deadline(assignment.assigned_on)
    left = deadlines.working_days_left(timezone.localdate(), due)
    page = html(client_for(w.lead_handler).get(UNIT))
    assert due.isoformat() in page
    assert f"可于{due.isoformat()}前提出异议（剩余{left}个工作日）" in page
    # The lead unit also sees its working-day deadline for contacting the proposer; co-handlers do not.
    contact = deadlines.contact_deadline(proposal.assigned_on)
    contact_left = deadlines.working_days_left(timezone.localdate(), contact)
    assert f"应于{contact.isoformat()}前联系提案人（剩余{contact_left}个工作日）" in page
    assert "前联系提案人" not in html(client_for(w.co_handler).get(UNIT))


# --- Officer list, filters, bulk assignment --------------------------------------------------------------


@pytest.mark.django_db
def test_officer_list_filters(client_for, w):
    parking = ProposalFactory(registered=True, title="关于增设停车泊位的建议", category="urban")
    school = ProposalFactory(registered=True, title="关于扩充学位供给的建议", category="education")
    late = overdue(ProposalFactory(assigned=True, title="关于夜市管理的建议"))
    draft = ProposalFactory(title="关于未提交草稿的建议")
    client = client_for(w.officer)
    page = html(client.get(ALL))
    assert shows(page, parking) and shows(page, school) and shows(page, late)
    assert not shows(page, draft)  # drafts stay private
    page = html(client.get(ALL, {"category": "education"}))
    assert shows(page, school) and not shows(page, parking)
    page = html(client.get(ALL, {"status": Status.REGISTERED}))
    assert shows(page, parking) and not shows(page, late)
    page = html(client.get(ALL, {"overdue": "1"}))
    assert shows(page, late) and not shows(page, parking)
    page = html(client.get(ALL, {"unit": w.lead_unit.pk}))
    assert shows(page, late) and not shows(page, school)
    page = html(client.get(ALL, {"q": "学位"}))
    assert shows(page, school) and not shows(page, parking)
    page = html(client.get(ALL, {"year": parking.year - 1}))
    assert not shows(page, parking)
    page = html(client.get(ALL, {"session": w.session.pk, "stage": "registered"}))
    assert shows(page, parking) and shows(page, late)
    services.proposal_set_key(actor=w.officer, proposal=late, is_key=True, supervising_leader=w.leader)
    page = html(client.get(ALL, {"key": "1"}))
    assert shows(page, late) and not shows(page, parking)
    services.proposal_mark_excellent(actor=w.officer, proposal=school)
    page = html(client.get(ALL, {"excellent": "1"}))
    assert shows(page, school) and not shows(page, late)
    page = html(client.get(ALL, {"excellent": "0", "key": "0"}))
    assert shows(page, parking) and not shows(page, school) and not shows(page, late)
    # Nonsense filters are ignored, never a 500.
    assert client.get(ALL, {"year": "abc", "unit": "999999", "page": "x", "per_page": "7"}).status_code == 200


@pytest.mark.django_db
def test_officer_list_paginates(client_for, w):
    proposals = [ProposalFactory(submitted=True) for _ in range(12)]
    client = client_for(w.officer)
    first = html(client.get(ALL, {"per_page": 10}))
    second = html(client.get(ALL, {"per_page": 10, "page": 2}))
    assert sum(shows(first, p) for p in proposals) == 10
    assert sum(shows(second, p) for p in proposals) == 2
    assert "per_page=10" in first and "page=2" in first


@pytest.mark.django_db
def test_bulk_assign_assigns_the_checked_proposals(client_for, w):
    first, second = ProposalFactory(registered=True), ProposalFactory(registered=True)
    client = client_for(w.officer)
    assert f'value="{first.pk}" form="bulk-assign"' in html(client.get(ALL))
    response = client.post(BULK, {"proposals": [first.pk, second.pk], "lead_unit": w.lead_unit.pk,
                                  "co_units": [w.co_unit.pk], "next": ALL + "?status=registered"})
    assert response.status_code == 302 and response["Location"] == ALL + "?status=registered"
    for proposal in (first, second):
        proposal.refresh_from_db()
        assert proposal.status == Status.ASSIGNED and proposal.lead_unit == w.lead_unit
        assert Assignment.objects.filter(proposal=proposal, unit=w.co_unit, role="co").exists()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2" in t and w.lead_unit.name in t for t in texts)


@pytest.mark.django_db
def test_bulk_assign_reports_each_failure_and_keeps_the_others(client_for, w):
    good = ProposalFactory(registered=True)
    taken = ProposalFactory(assigned=True, title="关于已交办提案的建议")
    client = client_for(w.officer)
    response = client.post(BULK, {"proposals": [good.pk, taken.pk], "lead_unit": w.other_unit.pk}, follow=True)
    page = html(response)
    good.refresh_from_db()
    taken.refresh_from_db()
    assert good.status == Status.ASSIGNED and good.lead_unit == w.other_unit
    assert taken.lead_unit == w.lead_unit  # unchanged
    assert "关于已交办提案的建议" in page
    assert "不可" in page or "无法" in page or "不能" in page  # the service's Chinese message


@pytest.mark.django_db
def test_bulk_assign_with_bad_input_changes_nothing(client_for, w):
    proposal = ProposalFactory(registered=True)
    client = client_for(w.officer)
    response = client.post(BULK, {"proposals": [proposal.pk], "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == ALL  # no open redirect
    proposal.refresh_from_db()
    assert proposal.status == Status.REGISTERED
    assert [str(m) for m in get_messages(response.wsgi_request)]
    assert client.get(BULK).status_code == 405
    # Leaders read the list but get neither the bulk form nor the checkboxes.
    leader_page = html(client_for(w.leader).get(ALL))
    assert shows(leader_page, proposal) and 'form="bulk-assign"' not in leader_page and BULK not in leader_page
    assert client_for(w.leader).post(BULK, {"proposals": [proposal.pk],
                                            "lead_unit": w.lead_unit.pk}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.REGISTERED


# --- Approval queue, key proposals, unit table -----------------------------------------------------------


@pytest.mark.django_db
def test_approval_queue_lists_replies_waiting(client_for, w):
    waiting = ProposalFactory(reply_review=True)
    done = ProposalFactory(replied=True)
    page = html(client_for(w.officer).get(QUEUE))
    assert shows(page, waiting) and not shows(page, done)
    assert client_for(w.leader).get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_key_list_shows_progress_and_leader(client_for, w, user_with_role):
    key = ProposalFactory(assigned=True)
    services.proposal_set_key(actor=w.officer, proposal=key, is_key=True, supervising_leader=w.leader)
    plain = ProposalFactory(assigned=True)
    page = html(client_for(w.leader).get(KEY))
    assert shows(page, key) and not shows(page, plain)
    assert w.leader.get_full_name() in page and w.lead_unit.name in page
    assert key.reply_due_on.isoformat() in page
    assert not shows(html(client_for(w.leader).get(KEY, {"year": key.year - 1})), key)


@pytest.mark.django_db
def test_unit_table_figures_link_to_the_filtered_list(client_for, w):
    year = ProposalFactory(replied=True).year  # the session's year
    overdue(ProposalFactory(assigned=True))
    page = html(client_for(w.officer).get(UNITS, {"year": year}))
    row = page[page.index(f'data-testid="unit-{w.lead_unit.pk}"'):]
    row = row[:row.index("</tr>")]
    assert f"year={year}&amp;unit={w.lead_unit.pk}&amp;stage=registered\">2<" in row
    assert "stage=replied\">1<" in row and "overdue=1\">1<" in row
    assert "50%" in row
    # The link leads to exactly those rows.
    listed = html(client_for(w.officer).get(ALL, {"year": year, "unit": w.lead_unit.pk, "stage": "replied"}))
    assert listed.count('data-testid="row-') == 1


# --- Archive ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_archive_shows_public_replies_without_contact_details(client_for, w, other_member):
    public = ProposalFactory(replied=True, title="关于公开答复的建议")
    hidden = ProposalFactory(replied=True, title="关于不公开答复的建议")
    running = ProposalFactory(assigned=True, title="关于办理中的建议")
    Reply.objects.filter(proposal__in=[public, hidden]).update(contact_person="王联络", contact_phone="13900001111",
                                                                text="答复正文，联系电话13900001111。")
    services.proposal_withhold(actor=w.officer, proposal=hidden, reason="涉及个人隐私")
    page = html(client_for(other_member.user).get(ARCHIVE))
    assert shows(page, public) and not shows(page, hidden) and not shows(page, running)
    assert "答复正文" in page
    assert "13900001111" not in page and "王联络" not in page
    assert not shows(html(client_for(other_member.user).get(ARCHIVE, {"text": "不公开"})), hidden)
    assert shows(html(client_for(other_member.user).get(ARCHIVE, {"text": "公开答复"})), public)
    assert not shows(html(client_for(other_member.user).get(ARCHIVE, {"category": "education"})), public)
    assert client_for(w.lead_handler).get(ARCHIVE).status_code == 403


# --- Export ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_has_the_compilation_columns_and_is_audited(client_for, w):
    cosigner = make_member(name="李联名")
    closed = ProposalFactory(closed=True, title="=关于导出的建议", cosigners=[cosigner])
    ProposalFactory(registered=True, category="education", title="关于教育类的建议")
    Reply.objects.filter(proposal=closed).update(contact_person="王联络", contact_phone="13900001111")
    response = client_for(w.officer).post(EXPORT, {"category": "urban"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    header, data = rows[0], rows[1:]
    assert header[:7] == ["编号", "案由", "提案人", "类别", "主办单位", "会办单位", "状态"]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["编号"] == closed.number
    assert row["案由"] == "=关于导出的建议"  # the text, never a formula (tests/foundation/test_export_injection.py)
    assert closed.lead_member.name in row["提案人"] and "李联名" in row["提案人"]
    assert row["主办单位"] == w.lead_unit.name and row["会办单位"] == w.co_unit.name
    assert row["答复类别"].startswith("A")
    assert row["满意度"] == "满意"  # the label alone, not "满意2"
    assert row["基本情况"] == closed.situation and row["分析"] == closed.analysis and row["建议"] == closed.suggestions
    assert row["答复正文"] == Reply.objects.get(proposal=closed, status="approved").text
    assert "提案汇编" in response["Content-Disposition"] or "%E6%8F%90%E6%A1%88%E6%B1%87%E7%BC%96" in \
        response["Content-Disposition"]
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "13900001111" not in flat and "王联络" not in flat
    event = AuditEvent.objects.get(action="proposals.exported", actor=w.officer)
    assert event.details["rows"] == 1 and event.details["filters"] == {"category": "urban"}


@pytest.mark.django_db
def test_export_permissions(client_for, w, member):
    assert client_for(w.leader).post(EXPORT).status_code == 200
    assert client_for(member.user).post(EXPORT).status_code == 403
    assert client_for(w.officer).get(EXPORT).status_code == 405  # POST only
    assert client_for(w.lead_handler).post(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="proposals.exported", actor=member.user).exists()


@pytest.mark.django_db
def test_export_streams_many_rows_reading_them_in_chunks(client_for, w, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhongyuan_cppcc.exports import excel

    from .test_views_lists_queries import clone

    clone(ProposalFactory(assigned=True, cosigners=1), 120)
    monkeypatch.setattr(excel, "CHUNK", 50)
    client = client_for(w.officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(EXPORT)
    assert response.streaming  # a file streamed from disk, not a body built in memory
    assert len(sheet_rows(response)) == 122
    # 121 rows in 3 chunks: the ordered ids once, then per chunk its rows by primary key plus three
    # batched look-ups, never one query per row and never an OFFSET re-run of the sorted list.
    chunk_reads = [q for q in queries.captured_queries
                   if q["sql"].startswith('SELECT "proposals_proposal"."id", "proposals_proposal"."title"')
                   and '"proposals_proposal"."id" IN (' in q["sql"]]
    assert len(chunk_reads) == 3
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)
    assert len(queries) < 40


@pytest.mark.django_db
def test_a_long_export_runs_as_a_background_job_with_the_same_filters(client_for, w, settings):
    from zhongyuan_cppcc.exports.models import ExportJob, ExportStatus
    from zhongyuan_cppcc.exports.services import export_run

    settings.EXPORT_SYNC_MAX_ROWS = 1
    for n in range(3):
        ProposalFactory(registered=True, category="urban", title=f"关于城建的建议{n}")
    ProposalFactory(registered=True, category="education", title="关于教育类的建议")
    client = client_for(w.officer)
    response = client.post(EXPORT, {"category": "urban"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:job-detail", args=[job.pk])
    assert (job.kind, job.total_rows, job.params) == ("proposals.proposals", 3, {"category": ["urban"]})
    assert export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.done_rows == 3
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    rows = sheet_rows(download)
    assert len(rows) == 4 and all("城建" in row[1] for row in rows[1:])
    assert AuditEvent.objects.filter(action="proposals.exported", actor=w.officer).count() == 1


# --- Print -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_print_form_for_proposers_and_office_404_for_others(client_for, w, member, other_member):
    proposal = ProposalFactory(author=member.user, replied=True, title="关于打印提案表的建议")
    Reply.objects.filter(proposal=proposal).update(contact_person="王联络", contact_phone="13900001111")
    url = reverse("proposals:print", args=[proposal.pk])
    for user in (member.user, w.officer, w.leader, w.lead_handler):
        page = html(client_for(user).get(url))
        assert "关于打印提案表的建议" in page and "proposal-print.css" in page
        assert "经研究，已纳入明年计划。" in page
    assert "13900001111" in html(client_for(member.user).get(url))  # the proposer's own reply letter
    # Archive readers print the public copy, without contact details.
    archive_copy = html(client_for(other_member.user).get(url))
    assert "经研究" in archive_copy and "13900001111" not in archive_copy and "王联络" not in archive_copy
    # Not public, not theirs: 404 as for a missing proposal.
    private = ProposalFactory(author=member.user, assigned=True)
    private_url = reverse("proposals:print", args=[private.pk])
    assert client_for(other_member.user).get(private_url).status_code == 404
    assert client_for(w.other_handler).get(private_url).status_code == 404
    assert client_for(member.user).get(reverse("proposals:print", args=[999999])).status_code == 404
    services.proposal_withhold(actor=w.officer, proposal=proposal, reason="涉及个人隐私")
    assert client_for(other_member.user).get(url).status_code == 404
    # The detail page offers the printable form.
    detail = html(client_for(member.user).get(reverse("proposals:proposal-detail", args=[proposal.pk])))
    assert f'href="{url}"' in detail


# --- Escaping --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_html_in_titles_is_escaped_everywhere(client_for, w, member):
    title = '<script>alert("x")</script>关于转义的建议'
    proposal = ProposalFactory(author=member.user, replied=True, title=title)
    pages = [
        html(client_for(member.user).get(MINE)),
        html(client_for(member.user).get(ARCHIVE)),
        html(client_for(member.user).get(reverse("proposals:print", args=[proposal.pk]))),
        html(client_for(w.officer).get(ALL)),
        html(client_for(w.lead_handler).get(UNIT)),
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


# --- Home page, navigation and dashboard ------------------------------------------------------------------


@pytest.mark.django_db
def test_home_sections_per_role(client_for, w, member, other_member):
    ProposalFactory(author=member.user, assigned=True)
    invited = ProposalFactory(author=other_member.user)
    services.proposal_invite_cosigner(actor=other_member.user, proposal=invited, member=member)
    ProposalFactory(submitted=True)
    ProposalFactory(reply_review=True)
    home = reverse("home")
    page = html(client_for(member.user).get(home))
    assert "我的提案" in page and MINE in page and reverse("proposals:proposal-list") in page
    assert ARCHIVE in page
    # Each count is the number of rows its link lists (one aggregate over the member's own list).
    ProposalFactory(author=member.user, replied=True)
    links = {link.url: link.count for section in home_sections_for(member.user) for link in section.links}
    for url in (MINE, MINE + "?show=invitations", MINE + "?show=to_rate"):
        listed = client_for(member.user).get(url).context["page_obj"].paginator.count
        assert links[url] == listed, (url, links[url], listed)
    assert (links[MINE], links[MINE + "?show=invitations"], links[MINE + "?show=to_rate"]) == (3, 1, 1)
    page = html(client_for(w.officer).get(home))
    assert "status=submitted" in page and QUEUE in page and UNITS in page
    page = html(client_for(w.lead_handler).get(home))
    assert UNIT in page
    page = html(client_for(w.leader).get(home))
    assert KEY in page


@pytest.mark.django_db
def test_dashboard_shows_proposal_figures_with_links(client_for, w, user_with_role):
    year = ProposalFactory(closed=True).year  # the session's year
    ProposalFactory(submitted=True)
    late = overdue(ProposalFactory(assigned=True))
    services.proposal_set_key(actor=w.officer, proposal=late, is_key=True, supervising_leader=w.leader)
    page = html(client_for(w.leader).get(reverse("dashboard"), {"year": year}))
    assert f"?year={year}\">3<" in page  # submitted
    assert f"?year={year}&amp;stage=registered\">2<" in page
    assert f"?year={year}&amp;stage=replied\">1<" in page
    assert f"?year={year}&amp;overdue=1\">1<" in page
    assert "50.0%" in page and "100.0%" in page  # reply rate, satisfaction rate
    assert "category=urban&amp;stage=registered\">2<" in page
    assert f"unit={w.lead_unit.pk}&amp;stage=registered\">2<" in page  # by lead unit
    assert "重点提案办理进度" in page
    assert f"?year={year}&amp;key=1&amp;overdue=1\">1<" in page
    assert f"?year={year}&amp;key=1&amp;status=assigned\">1<" in page
    # Other office staff open the dashboard but get no proposal figures.
    other = client_for(user_with_role("opinion_officer")).get(reverse("dashboard"), {"year": year})
    assert "stage=registered" not in html(other)
