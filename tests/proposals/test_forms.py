"""Forms validate input before the services (which validate again) and show service errors."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from proposals import forms
from proposals.errors import NotReady
from tests.factories import make_user

from .factories import PDF_BYTES, ProposalFactory, make_member


def test_draft_form_lenient_and_strict():
    assert forms.ProposalDraftForm(data={"title": "只写了标题"}).is_valid()
    strict = forms.ProposalDraftForm(data={"title": "只写了标题"}, strict=True)
    assert not strict.is_valid()
    assert {"category", "situation", "analysis", "suggestions"} <= set(strict.errors)
    too_long = forms.ProposalDraftForm(data={"situation": "字" * 100_000})
    assert not too_long.is_valid() and "situation" in too_long.errors


@pytest.mark.django_db
def test_invite_form_offers_only_other_serving_members(w):
    p = ProposalFactory()
    other = make_member()
    form = forms.CosignerInviteForm(proposal=p)
    choices = set(form.fields["member"].queryset)
    assert other in choices and p.lead_member not in choices
    bad = forms.CosignerInviteForm(data={"member": p.lead_member_id}, proposal=p)
    assert not bad.is_valid()
    not_member = forms.CosignerInviteForm(data={"member": make_user("correspondent").pk + 10_000}, proposal=p)
    assert not not_member.is_valid()


@pytest.mark.django_db
def test_assign_form(w):
    data = {"lead_unit": w.lead_unit.pk, "co_units": [w.lead_unit.pk], "is_key": "on"}
    form = forms.AssignForm(data=data)
    assert not form.is_valid()
    assert set(form.errors) == {"co_units", "supervising_leader"}
    far = timezone.localdate() + timedelta(days=300)
    form = forms.AssignForm(data={"lead_unit": w.lead_unit.pk, "reply_due_on": far.isoformat()})
    assert not form.is_valid() and "reply_due_on" in form.errors
    form = forms.AssignForm(data={"lead_unit": w.lead_unit.pk, "co_units": [w.co_unit.pk], "is_key": "on",
                                  "supervising_leader": w.leader.pk})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_extend_form_checks_the_limits(w):
    p = ProposalFactory(assigned=True)
    late = p.assigned_on + timedelta(days=200)
    assert not forms.ExtendForm(data={"new_due_on": late.isoformat(), "reason": "x"}, proposal=p).is_valid()
    assert not forms.ExtendForm(data={"new_due_on": p.reply_due_on.isoformat(), "reason": "x"}, proposal=p).is_valid()
    ok = p.reply_due_on + timedelta(days=30)
    assert forms.ExtendForm(data={"new_due_on": ok.isoformat(), "reason": "协调"}, proposal=p).is_valid()


def test_reply_form_needs_a_real_pdf_when_submitting():
    data = {"reply_class": "A", "text": "答复"}
    assert not forms.ReplyForm(data=data, strict=True).is_valid()
    fake = SimpleUploadedFile("答复.pdf", b"<svg onload=alert(1)></svg>")
    form = forms.ReplyForm(data=data, files={"document": fake}, strict=True)
    assert not form.is_valid() and "document" in form.errors
    real = SimpleUploadedFile("答复.pdf", PDF_BYTES)
    assert forms.ReplyForm(data=data, files={"document": real}, strict=True).is_valid()
    assert forms.ReplyForm(data=data, strict=True, has_document=True).is_valid()


def test_rating_form_coerces():
    form = forms.RatingForm(data={"overall": "basically", "contacted": "phone", "on_point": "no"})
    assert form.is_valid() and form.cleaned_data["on_point"] is False
    assert not forms.RatingForm(data={"overall": "great"}).is_valid()


def test_reason_forms_require_a_reason():
    assert not forms.ReturnForm(data={"reason": "   "}).is_valid()
    assert forms.RejectForm(data={"ground": "academic"}).is_valid()
    assert not forms.RejectForm(data={"ground": "because"}).is_valid()


def test_service_errors_land_on_the_form():
    form = forms.ProposalDraftForm(data={})
    assert form.is_valid()
    forms.add_service_error(form, ValidationError({"analysis": "请填写分析", "unknown": "其他"}))
    forms.add_service_error(form, NotReady("还有邀请未答复"))
    assert form.errors["analysis"] == ["请填写分析"]
    assert "其他" in form.non_field_errors() and "还有邀请未答复" in form.non_field_errors()
