"""Role × URL table of the consultations module (see tests/url_matrix.py). The walker's consultation officer
works for the whole district; street scoping is tested in tests/consultations/test_views.py."""

from tests.url_matrix import DENY, HIDDEN, Expect, only

OFFICER = "consultation_officer"
LEADER = "leader"
MEMBER = "member"


def _maker():
    from tests.factories import make_user

    return make_user(OFFICER, username="walker-consultation-maker")


def _street():
    from members.models import Street

    return Street.objects.order_by("order").first()


def _session(user=None) -> dict:
    from datetime import date

    from consultations import services

    session = services.session_create(actor=_maker(), kind="grassroots", title="协商", street=_street(),
                                      venue="社区", date=date(2023, 3, 1))
    return {"pk": session.pk}


def _outcome(user=None) -> dict:
    from datetime import date

    from consultations import services

    maker = _maker()
    session = services.session_create(actor=maker, kind="grassroots", title="协商", street=_street(),
                                      venue="社区", date=date(2023, 3, 1))
    services.session_hold(actor=maker, session=session)
    return {"pk": services.outcome_add(actor=maker, session=session, text="建议", is_public=False).pk}


def _topic(user=None) -> dict:
    from consultations import services

    return {"pk": services.topic_propose(actor=_maker(), title="议题", street=_street(), source="street").pk}


def _room(user=None) -> dict:
    from consultations import services

    return {"pk": services.room_save(actor=_maker(), name="议事室", level="street", street=_street()).pk}


def _project(user=None) -> dict:
    from consultations import services

    return {"pk": services.project_save(actor=_maker(), name="项目", street=_street()).pk}


def _room_photo(user=None) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations import services
    from consultations.models import Room

    room = Room.objects.get(pk=_room()["pk"])
    upload = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return {"pk": services.photo_add(actor=_maker(), upload=upload, room=room).pk}


def seen(kwargs, **extra) -> Expect:
    """Officers and leaders see the object; everyone else gets 404."""
    return Expect(allowed=[OFFICER, LEADER], others=HIDDEN, kwargs=kwargs, **extra)


def acted(kwargs, **extra) -> Expect:
    """Only the officer acts; the leader sees the object but is refused (403); everyone else gets 404."""
    return Expect(allowed=[OFFICER], others=HIDDEN, overrides={LEADER: DENY}, kwargs=kwargs, **extra)


def posted(kwargs, data=None) -> Expect:
    return acted(kwargs, method="post", data=data or {"note": "x"})


EXPECTATIONS = {
    "consultations:session-export": only(OFFICER, LEADER, method="post"),
    "consultations:outcome-export": only(OFFICER, LEADER, method="post"),
    "consultations:topic-export": only(OFFICER, LEADER, method="post"),
    "consultations:room-export": only(OFFICER, LEADER, method="post"),
    "consultations:project-export": only(OFFICER, LEADER, method="post"),
    "consultations:session-list": only(OFFICER, LEADER, MEMBER),
    "consultations:session-create": only(OFFICER),
    "consultations:session-detail": seen(_session),
    "consultations:session-pdf": seen(_session),
    "consultations:session-edit": acted(_session),
    "consultations:session-participants": acted(_session),
    "consultations:session-hold": posted(_session, {}),
    "consultations:session-add-outcome": posted(_session, {"text": "建议"}),
    "consultations:session-record": posted(_session),
    "consultations:session-close": posted(_session),
    "consultations:outcome-list": only(OFFICER, LEADER, MEMBER),
    "consultations:outcome-detail": seen(_outcome),
    "consultations:outcome-edit": acted(_outcome),
    "consultations:outcome-start": posted(_outcome),
    "consultations:outcome-implement": posted(_outcome),
    "consultations:outcome-keep": posted(_outcome),
    "consultations:outcome-note": posted(_outcome, {"date": "2023-03-02", "text": "跟踪"}),
    "consultations:outcome-convert": posted(_outcome, {"target": "proposal"}),
    "consultations:topic-list": only(OFFICER, LEADER),
    "consultations:topic-create": only(OFFICER),
    "consultations:topic-propose": only(MEMBER),
    "consultations:my-topics": only(MEMBER),
    "consultations:topic-detail": seen(_topic),
    "consultations:topic-edit": acted(_topic),
    "consultations:topic-accept": posted(_topic),
    "consultations:topic-decline": posted(_topic, {"reason": "重复"}),
    "consultations:topic-schedule": posted(_topic, {"session": "0"}),
    "consultations:room-list": only(OFFICER, LEADER),
    "consultations:room-create": only(OFFICER),
    "consultations:coverage": only(OFFICER, LEADER),
    "consultations:room-detail": seen(_room),
    "consultations:room-edit": acted(_room),
    "consultations:room-photo-add": posted(_room, {}),
    "consultations:session-photo-add": posted(_session, {}),
    "consultations:photo": seen(_room_photo),
    "consultations:photo-remove": posted(_room_photo, {}),
    "consultations:project-list": only(OFFICER, LEADER),
    "consultations:project-create": only(OFFICER),
    "consultations:project-detail": seen(_project),
    "consultations:project-edit": acted(_project),
}
