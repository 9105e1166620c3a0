"""Similar earlier proposals by Chinese character bigrams: ranking, scope, replies, fallback."""

import pytest

from proposals import selectors, similarity
from proposals.models import Proposal
from tests.factories import make_user

from .factories import ProposalFactory, make_member

TOPICS = {
    "parking": dict(title="关于缓解老旧小区停车难问题的建议", situation="老旧小区停车位不足，车辆乱停乱放。",
                    analysis="小区规划车位少，周边缺少停车场。", suggestions="建设立体停车库，推行错时停车。"),
    "food": dict(title="关于加强校园食品安全监管的建议", situation="部分学校食堂卫生条件差。",
                 analysis="食品安全监管力量不足。", suggestions="建立食堂常态化抽检和明厨亮灶。"),
    "elderly": dict(title="关于完善社区居家养老服务的建议", situation="社区养老服务设施不足。",
                    analysis="老年人口增长快，助餐服务缺口大。", suggestions="建设社区助老食堂和日间照料中心。"),
}


def test_bigrams_skip_function_words_and_boilerplate():
    tokens = similarity.bigrams("关于加强老旧小区停车管理的建议")
    assert {"老旧", "小区", "停车", "管理"} <= set(tokens)
    assert not {"关于", "建议", "加强", "理的", "的建"} & set(tokens)
    assert similarity.bigrams("推进5G基站建设") == ["基站", "站建", "5g"]


def test_search_terms_cover_without_overlap():
    assert similarity.search_terms("医院停车场") == ["医院", "停车", "车场"]
    assert similarity.search_terms("停车") == ["停车"]


@pytest.mark.django_db
class TestSimilar:
    @pytest.fixture
    def archive(self, w):
        return {name: ProposalFactory(closed=True, **fields) for name, fields in TOPICS.items()}

    def test_most_similar_first_with_its_approved_reply(self, archive):
        member = make_member().user
        results = selectors.similar_proposals(user=member, title="关于解决小区停车位不足的建议",
                                              body="老旧小区停车难，建议建设立体停车库。")
        assert results[0].proposal == archive["parking"]
        assert [r.status for r in results[0].replies] == ["approved"]
        assert results[0].replies[0].contact_phone == ""  # archive view of the reply
        assert archive["food"] not in [r.proposal for r in results]

    def test_python_fallback_agrees(self, archive):
        base = Proposal.objects.filter(status="closed")
        rows = selectors._similar_python(base, "关于解决小区停车位不足的建议", "老旧小区停车难", 5)
        assert rows[0][0] == archive["parking"].pk

    def test_scope_excludes_drafts_withheld_unregistered_and_itself(self, w, archive):
        from proposals import services

        draft = ProposalFactory(**TOPICS["parking"])
        ProposalFactory(not_registered=True, **TOPICS["parking"])
        services.proposal_withhold(actor=w.officer, proposal=archive["parking"], reason="涉及隐私")
        being_handled = ProposalFactory(assigned=True, **TOPICS["parking"])
        results = selectors.similar_proposals(user=draft.author, title=draft.title, body=draft.body,
                                              exclude_pk=draft.pk)
        assert [r.proposal for r in results] == [being_handled]
        assert results[0].replies == []  # no approved reply yet

    def test_nothing_for_text_without_topic_words(self, archive):
        assert selectors.similar_proposals(user=make_user("member"), title="关于建议的建议", body="的了是") == []

    def test_constant_number_of_queries(self, archive, django_assert_max_num_queries):
        reader = make_user("member")
        with django_assert_max_num_queries(4):
            results = selectors.similar_proposals(user=reader, title=TOPICS["elderly"]["title"],
                                                  body="社区养老")
            _ = [(r.proposal.lead_unit, r.replies) for r in results]
        assert results[0].proposal == archive["elderly"]

    def test_bulk_refresh_after_bulk_loading(self, archive):
        Proposal.objects.filter(pk=archive["food"].pk).update(title="关于治理河道黑臭水体的建议")
        assert similarity.refresh_search_vectors([archive["food"].pk]) == 1
        results = selectors.similar_proposals(user=make_user("member"), title="关于黑臭水体治理的建议", body="")
        assert results[0].proposal == archive["food"]
