"""The action boxes of a detail page: every field has its own id, so each label names its own box's field."""

import re
from collections import Counter

from django.urls import reverse

from consultations import services
from consultations.models import Attendance, TopicSource

from .conftest import make_session


def _ids(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def _labels_point_into_their_form(html: str) -> bool:
    """Each <label for=x> inside an action form names a field of that same form."""
    for form in re.findall(r"<form method=\"post\" action=\"[^\"]+\" class=\"mt-2\".*?</form>", html, re.S):
        fields = set(re.findall(r'<(?:input|textarea|select)[^>]*\sid="([^"]+)"', form))
        if not set(re.findall(r'<label for="([^"]+)"', form)) <= fields:
            return False
    return True


def test_action_boxes_have_unique_field_ids(world, client_for):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.INVITED})
    services.session_hold(actor=world.officer_a, session=session)
    outcome = services.outcome_add(actor=world.officer_a, session=session, text="建议增设充电桩")
    topic = services.topic_propose(actor=world.officer_a, title="充电桩议题", street=world.street_a,
                                   source=TopicSource.STREET)
    client = client_for(world.officer_a)
    for url, boxes in ((reverse("consultations:outcome-detail", args=[outcome.pk]), 5),
                       (reverse("consultations:session-detail", args=[session.pk]), 2),
                       (reverse("consultations:topic-detail", args=[topic.pk]), 2)):
        html = client.get(url).content.decode()
        assert html.count("<details") == boxes, url
        repeated = {name: n for name, n in _ids(html).items() if n > 1}
        assert not repeated, (url, repeated)
        assert _labels_point_into_their_form(html), url
    # The three note boxes of the outcome (start / implement / keep) each name their own field.
    html = client.get(reverse("consultations:outcome-detail", args=[outcome.pk])).content.decode()
    for verb in ("start", "implement", "keep"):
        assert f'id="id_{verb}_note"' in html
