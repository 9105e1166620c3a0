"""The one search box: Chinese text, pinyin and initials across modules, only within each user's scope."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from consultations import services as consultation_services
from consultations.models import Session, Topic
from members.models import Street
from members.services.records import member_derive_names
from proposals.models import Proposal
from tests.factories import make_user
from tests.opinions.factories import make_report
from tests.proposals.factories import ProposalFactory, make_member, world
from zhongyuan_cppcc.search.pinyin import text_pinyin
from zhongyuan_cppcc.search.selectors import search_for

pytestmark = pytest.mark.django_db

XUEWEI = "关于增加学位供给的建议"


def titles(groups, key):
    return [h.title for g in groups if g.key == key for h in g.hits]


def test_pinyin_column_holds_full_pinyin_and_initials():
    assert text_pinyin("学位") == "xuewei|xw"
    assert text_pinyin("") == ""


def test_pinyin_column_is_filled_on_save_and_on_a_partial_save():
    proposal = ProposalFactory(title=XUEWEI)
    assert "xuewei" in Proposal.objects.get(pk=proposal.pk).search_pinyin
    proposal.title = "关于停车的建议"
    proposal.save(update_fields=["title"])
    assert Proposal.objects.get(pk=proposal.pk).search_pinyin.startswith("guanyutingchede")


def test_a_save_that_does_not_write_the_title_does_not_compute_its_pinyin(monkeypatch):
    """A status change saves a few fields: the pinyin is neither recomputed (a workflow step saves the row
    several times) nor written."""
    from zhongyuan_cppcc.search import models_registry

    proposal = ProposalFactory(title=XUEWEI)
    computed = []
    monkeypatch.setattr(models_registry, "text_pinyin", lambda text: computed.append(text) or "x|x")
    proposal.save(update_fields=["status", "updated_at"])
    assert computed == []
    proposal.save(update_fields=["title"])
    assert computed == [XUEWEI]
    assert Proposal.objects.get(pk=proposal.pk).search_pinyin == "x|x"


@pytest.mark.parametrize("query", ["学位", "xuewei", "xw", "XueWei", "xue wei"])
def test_officer_finds_proposal_by_text_pinyin_and_initials(query):
    w = world()
    ProposalFactory(submitted=True, title=XUEWEI)
    ProposalFactory(submitted=True, title="关于改善停车难的建议")
    groups = search_for(user=w.officer, query=query)
    assert titles(groups, "proposals") == [XUEWEI]


def test_results_are_ranked_title_match_first():
    w = world()
    ProposalFactory(submitted=True, title="关于加强中小学学位建设的建议")
    ProposalFactory(submitted=True, title="学位供给问题")
    assert titles(search_for(user=w.officer, query="学位"), "proposals")[0] == "学位供给问题"


def test_many_hits_are_counted_up_to_the_cap(client_for, monkeypatch):
    from zhongyuan_cppcc.search import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "PER_GROUP", 2)
    w = world()
    for n in range(5):
        ProposalFactory(submitted=True, title=f"关于学位建设的建议{n}")
    [group] = search_for(user=w.officer, query="学位")
    assert (group.total, group.more, group.total_label, len(group.hits)) == (3, True, "3+", 2)
    page = client_for(w.officer).get(reverse("search"), {"q": "学位"}).content.decode()
    assert "共 3+ 条，显示最相关的 2 条" in page
    [group] = search_for(user=w.officer, query="学位建设的建议4")
    assert (group.total, group.more, group.total_label) == (1, False, "1")


def test_handler_never_sees_another_units_proposal():
    w = world()
    ProposalFactory(assigned=True, title=XUEWEI, with_co_unit=False)
    for query in ("学位", "xuewei", "xw"):
        assert titles(search_for(user=w.lead_handler, query=query), "proposals") == [XUEWEI]
        assert search_for(user=w.other_handler, query=query) == []
    response = _client(w.other_handler).get(reverse("search"), {"q": "学位"})
    assert response.status_code == 200
    assert XUEWEI not in response.content.decode()


def test_correspondent_never_sees_another_correspondents_report():
    mine_author = make_user("correspondent")
    other_author = make_user("correspondent")
    make_report(author=mine_author, status="submitted", title="学位紧张问题的反映")
    make_report(author=other_author, status="adopted", title="学位分配不均的反映")
    assert titles(search_for(user=mine_author, query="xuewei"), "reports") == ["学位紧张问题的反映"]
    officer = make_user("opinion_officer")
    assert sorted(titles(search_for(user=officer, query="xw"), "reports")) == ["学位分配不均的反映",
                                                                               "学位紧张问题的反映"]
    response = _client(mine_author).get(reverse("search"), {"q": "学位"})
    assert "学位分配不均的反映" not in response.content.decode()


def test_members_by_initials_pinyin_and_name():
    zhang = make_member(name="张三")
    member_derive_names(zhang)
    zhang.save()
    officer = make_user("member_officer")
    for query in ("zs", "zhangsan", "张三"):
        assert "张三" in titles(search_for(user=officer, query=query), "members")
    # An ordinary member finds no other member's record.
    assert "张三" not in titles(search_for(user=make_member().user, query="zs"), "members")


def test_consultation_sessions_and_topics_of_the_officers_street_only():
    streets = list(Street.objects.order_by("order")[:2])
    officer = make_user("consultation_officer")
    consultation_services.session_create(actor=officer, kind="grassroots", title="学位配套协商", street=streets[0],
                                         venue="社区活动室", date=date(2025, 6, 10))
    assert titles(search_for(user=officer, query="xwpt"), "sessions") == ["学位配套协商"]
    assert Session.objects.get().search_pinyin.startswith("xueweipeitao")
    topic = Topic.objects.create(title="学位配套议题", source="resident", street=streets[1])
    assert topic.search_pinyin.startswith("xuewei")
    leader = make_user("leader")
    assert titles(search_for(user=leader, query="xuewei"), "topics") == ["学位配套议题"]


def test_the_hits_are_read_without_the_lists_joins(django_assert_max_num_queries):
    """The best twenty of each module are read with only what a hit shows: no join of the sessions, members or
    units that the lists' scoped querysets carry (PostgreSQL joined them to every match before the LIMIT)."""
    from django.test.utils import CaptureQueriesContext

    streets = list(Street.objects.order_by("order")[:1])
    officer = make_user("consultation_officer")
    session = consultation_services.session_create(actor=officer, kind="grassroots", title="学位配套协商",
                                                   street=streets[0], venue="社区活动室", date=date(2025, 6, 10))
    Topic.objects.create(title="学位配套议题", source="resident", street=streets[0], session=session)
    ProposalFactory(title=XUEWEI, submitted=True)
    leader = make_user("leader")
    with CaptureQueriesContext(connection) as captured:
        groups = search_for(user=leader, query="xuewei")
    assert titles(groups, "topics") == ["学位配套议题"] and titles(groups, "sessions") == ["学位配套协商"]
    assert titles(groups, "proposals") == [XUEWEI]
    hits = [q["sql"] for q in captured.captured_queries if "LIMIT 20" in q["sql"] and "COUNT(" not in q["sql"]]
    by_table = {table: [sql for sql in hits if sql.startswith(f'SELECT "{table}"."id"')]
                for table in ("consultations_topic", "consultations_session", "proposals_proposal")}
    assert all(len(found) == 1 for found in by_table.values()), hits
    topic_sql, session_sql, proposal_sql = (by_table[t][0] for t in by_table)
    assert '"consultations_session"' not in topic_sql and '"members_member"' not in topic_sql
    assert '"members_street"' in topic_sql and '"members_street"' in session_sql
    assert '"consultations_room"' not in session_sql
    assert 'FROM "proposals_proposal" WHERE' in proposal_sql, proposal_sql


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "'; drop table x;--", "\x00学位", "a" * 5000, "<script>",
                                   "学" * 300, "x", "||"])
def test_no_error_for_any_input(query):
    user = world().officer
    response = _client(user).get(reverse("search"), {"q": query})
    # A NUL character is refused for every page with the platform's 400 page (never a 500).
    assert response.status_code == (400 if "\x00" in query else 200)
    assert "<script>" not in response.content.decode().split("<main", 1)[-1].replace("&lt;script&gt;", "")


def test_the_search_box_is_in_the_top_bar():
    response = _client(make_user("member")).get(reverse("home"))
    assert 'action="/search/"' in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_trigram_indexes_exist_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search_pinyin_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"proposals_proposal_search_pinyin_trgm", "opinions_opinionreport_search_pinyin_trgm",
                     "consultations_session_search_pinyin_trgm", "consultations_topic_search_pinyin_trgm"}


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
    return client


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
# Trigrams need three characters: a one- or two-character query ("学位", "xw") is filtered without the index.
# The search condition alone is explained: on a near-empty test table the scope's sub-plans would let the
# planner pick any index; what matters here is that the condition can be answered by the trigram index.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
@pytest.mark.parametrize("query", ["学位供给", "xuewei", "gyzj"])
def test_the_search_condition_uses_the_trigram_indexes(query):
    from zhongyuan_cppcc.search.selectors import _titled

    ProposalFactory(submitted=True, title=XUEWEI)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _titled(Proposal.objects.all(), query).explain()
    assert "_trgm" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="short-gram indexes exist on PostgreSQL only")
def test_short_gram_indexes_exist_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%short_grams"])
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"proposals_proposal_short_grams", "opinions_opinionreport_short_grams",
                     "consultations_session_short_grams", "consultations_topic_short_grams",
                     "members_member_short_grams"}


# One- and two-character needles have no trigram: the short-gram index answers them.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="short-gram indexes exist on PostgreSQL only")
@pytest.mark.parametrize("query", ["学位", "xw", "学", "5G"])
def test_a_short_needle_uses_the_short_gram_index(query):
    from zhongyuan_cppcc.search.selectors import _titled

    ProposalFactory(submitted=True, title=XUEWEI)
    with connection.cursor() as cursor:
        # Only bitmap scans left: on a near-empty table the planner would otherwise walk any ordering index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = _titled(Proposal.objects.all(), query).order_by().explain()
    assert "_short_grams" in plan, plan


@pytest.mark.parametrize(("query", "found"), [
    ("学位", ["关于增加学位供给的建议"]),
    ("位供", ["关于增加学位供给的建议"]),
    ("停", ["关于改善停车难的建议"]),
    ("5g", ["关于5G基站选址的建议"]),
    ("5G", ["关于5G基站选址的建议"]),
    ("tc", ["关于改善停车难的建议"]),
    ("xw", ["关于增加学位供给的建议"]),
    ("校位", []),  # both characters occur, but not side by side
])
def test_short_needles_find_exactly_the_titles_holding_them(query, found):
    w = world()
    for title in ("关于增加学位供给的建议", "关于改善停车难的建议", "关于5G基站选址的建议", "学校周边位置规划"):
        ProposalFactory(submitted=True, title=title)
    assert titles(search_for(user=w.officer, query=query), "proposals") == found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="short-gram indexes exist on PostgreSQL only")
@pytest.mark.parametrize("query", ["张三", "张"])
def test_a_short_member_name_uses_the_short_gram_index(query):
    from members.models import Member
    from members.selectors import member_search

    zhang = make_member(name="张三")
    member_derive_names(zhang)
    zhang.save()
    assert list(member_search(Member.objects.all(), query)) == [zhang]
    assert list(member_search(Member.objects.all(), "三张")) == []
    with connection.cursor() as cursor:
        # Only bitmap scans left: on a near-empty table the planner would otherwise walk the pinyin-order index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = member_search(Member.objects.all(), query).order_by().explain()
    assert "members_member_short_grams" in plan, plan
