"""Who may review submissions and see documents: a matrix over roles, owner and strangers.

Every denial asserts that nothing changed: status, history and access records stay as they were.
"""

import pytest
from django.utils import timezone

from jiedan.core.errors import PermissionDenied
from jiedan.verification import services
from jiedan.verification.models import DocumentAccess, IdentitySubmission
from tests.factories import UserFactory
from tests.verification.conftest import REAL_NAME, VALID_ID

pytestmark = pytest.mark.django_db

WHO = ["support", "finance", "moderator", "mediator", "admin", "non-staff", "owner"]
MAY_REVIEW = {"moderator"}
MAY_VIEW_IDENTITY = {"moderator"}


@pytest.fixture
def person(staff_factory, user):
    def make(who):
        if who == "owner":
            return user
        if who == "non-staff":
            return UserFactory()
        return staff_factory(who)

    return make


def _snapshot(submission):
    submission.refresh_from_db()
    return (
        submission.status,
        submission.decided_by_id,
        submission.rejection_reason,
        submission.history.count(),
        DocumentAccess.objects.count(),
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_review_matrix(person, submission, who, decision):
    actor = person(who)
    before = _snapshot(submission)
    call = {
        "approve": lambda: services.identity_submission_approve(
            submission_id=submission.pk, actor=actor
        ),
        "reject": lambda: services.identity_submission_reject(
            submission_id=submission.pk, actor=actor, reason="Blurred photo, please retake."
        ),
    }[decision]
    if who in MAY_REVIEW:
        call()
        submission.refresh_from_db()
        assert submission.status == {"approve": "approved", "reject": "rejected"}[decision]
        assert submission.decided_by == actor
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert _snapshot(submission) == before


@pytest.mark.parametrize("who", WHO)
def test_review_page_decision_matrix(person, submission, signed_in, who):
    client = signed_in(person(who))
    before = _snapshot(submission)
    response = client.post(
        f"/en/verification/staff/identity/{submission.pk}/decide/",
        {"decision": "reject", "reason": "Blurred photo, please retake."},
    )
    if who in MAY_REVIEW:
        assert response.status_code == 302
        submission.refresh_from_db()
        assert submission.status == IdentitySubmission.Status.REJECTED
    else:
        assert response.status_code == 403
        assert _snapshot(submission) == before


@pytest.mark.parametrize("who", WHO)
def test_review_page_matrix(person, submission, signed_in, who):
    response = signed_in(person(who)).get(f"/en/verification/staff/identity/{submission.pk}/")
    if who in MAY_VIEW_IDENTITY | MAY_REVIEW:
        assert response.status_code == 200
        html = response.content.decode()
        # the number and name are masked until a reason is given
        assert VALID_ID not in html and REAL_NAME not in html
        assert "11**************2X" in html
        assert "/verification/staff/documents/" not in html
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", WHO)
def test_document_access_matrix(person, submission, signed_in, who):
    client = signed_in(person(who))
    before = DocumentAccess.objects.count()
    response = client.post(
        f"/en/verification/staff/identity/{submission.pk}/access/",
        {"reason": "Checking the name against the photo"},
    )
    if who in MAY_VIEW_IDENTITY:
        assert response.status_code == 302
        assert DocumentAccess.objects.count() == before + 1
    else:
        assert response.status_code == 403
        assert DocumentAccess.objects.count() == before


def test_staff_sees_document_only_after_giving_a_reason(staff_factory, submission, signed_in):
    # given a moderator on the review page
    moderator = staff_factory("moderator")
    client = signed_in(moderator)
    # when they give a reason
    response = client.post(
        f"/en/verification/staff/identity/{submission.pk}/access/",
        {"reason": "Checking the name against the photo"},
    )
    # then an access record names who, what, when and why
    access = DocumentAccess.objects.get()
    assert (access.staff, access.submission, access.event) == (
        moderator,
        submission,
        "verification.identity.document_viewed",
    )
    assert access.reason == "Checking the name against the photo"
    assert abs((timezone.now() - access.at).total_seconds()) < 60
    # and the review page now shows the full number and the image through the checked view
    page = client.get(response["Location"])
    html = page.content.decode()
    assert VALID_ID in html and REAL_NAME in html
    image_url = f"/en/verification/staff/documents/{access.pk}/"
    assert image_url in html
    image = client.get(image_url)
    assert image.status_code == 200
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    assert image["Cache-Control"] == "private, no-store"


def test_a_reason_is_required_to_open_a_document(staff_factory, submission, signed_in):
    client = signed_in(staff_factory("moderator"))
    response = client.post(
        f"/en/verification/staff/identity/{submission.pk}/access/", {"reason": " "}
    )
    assert response.status_code in (200, 422)
    assert not DocumentAccess.objects.exists()


def test_an_access_record_opens_the_document_only_for_its_holder(
    staff_factory, submission, signed_in
):
    # given one moderator's access record
    first = staff_factory("moderator")
    access = services.identity_document_access_grant(
        submission_id=submission.pk, actor=first, reason="Checking the photo"
    )
    # then another moderator cannot reuse it
    other = signed_in(staff_factory("moderator"))
    assert other.get(f"/en/verification/staff/documents/{access.pk}/").status_code == 404
    # and nobody without identity.view can open it
    for role in ("support", "admin", "finance"):
        client = signed_in(staff_factory(role))
        assert client.get(f"/en/verification/staff/documents/{access.pk}/").status_code == 403


def test_an_old_access_record_no_longer_opens_the_document(staff_factory, submission, signed_in):
    moderator = staff_factory("moderator")
    access = services.identity_document_access_grant(
        submission_id=submission.pk, actor=moderator, reason="Checking the photo"
    )
    DocumentAccess.objects.filter(pk=access.pk).update(
        at=timezone.now() - timezone.timedelta(minutes=11)
    )
    client = signed_in(moderator)
    assert client.get(f"/en/verification/staff/documents/{access.pk}/").status_code == 404
    page = client.get(f"/en/verification/staff/identity/{submission.pk}/?access={access.pk}")
    assert page.status_code == 404


def test_owner_never_gets_the_image_or_number_back(user, submission, signed_in):
    client = signed_in(user)
    html = client.get("/en/verification/").content.decode()
    assert VALID_ID not in html and submission.document.name not in html
    assert client.get(f"/en/verification/staff/identity/{submission.pk}/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, submission):
    response = client.get(f"/en/verification/staff/identity/{submission.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_superuser_may_review(submission):
    from jiedan.accounts.models import User

    root = User.objects.create_superuser("root@example.com", "pw-123456789")
    services.identity_submission_approve(submission_id=submission.pk, actor=root)
    submission.refresh_from_db()
    assert submission.status == IdentitySubmission.Status.APPROVED


@pytest.mark.parametrize("who", WHO)
def test_back_office_list_follows_the_matrix(person, submission, signed_in, who):
    response = signed_in(person(who)).get("/admin/verification/identitysubmission/")
    if who in MAY_VIEW_IDENTITY | MAY_REVIEW:
        assert response.status_code == 200
        html = response.content.decode()
        assert VALID_ID not in html and REAL_NAME not in html
        assert f"/verification/staff/identity/{submission.pk}/" in html
    elif who in ("owner", "non-staff"):
        assert response.status_code == 302  # sent to the admin login
    else:
        assert response.status_code == 403


def test_back_office_submission_page_is_read_only_without_the_number(
    staff_factory, submission, signed_in
):
    client = signed_in(staff_factory("moderator"))
    response = client.get(f"/admin/verification/identitysubmission/{submission.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert VALID_ID not in html and REAL_NAME not in html
    assert submission.document.name not in html
    before = _snapshot(submission)
    client.post(
        f"/admin/verification/identitysubmission/{submission.pk}/change/", {"status": "approved"}
    )
    assert _snapshot(submission) == before


@pytest.mark.parametrize("who", ["moderator", "support", "admin"])
def test_question_bank_in_the_back_office(staff_factory, skill_test, signed_in, who):
    client = signed_in(staff_factory(who))
    question = skill_test.questions.first()
    paths = [
        "/admin/verification/skilltest/",
        f"/admin/verification/skilltest/{skill_test.pk}/change/",
        f"/admin/verification/skilltestquestion/{question.pk}/change/",
        "/admin/verification/skilltestattempt/",
    ]
    for path in paths:
        assert client.get(path).status_code == (200 if who == "moderator" else 403), path
