"""Identity submissions: encryption at rest, private document, one pending, transitions."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from jiedan.core.errors import Conflict, InvalidInput, PermissionDenied
from jiedan.verification import selectors, services
from jiedan.verification.models import (
    DocumentType,
    IdentitySubmission,
    IdentitySubmissionHistory,
)
from tests.verification.conftest import REAL_NAME, VALID_ID

pytestmark = pytest.mark.django_db


def _raw_row(submission_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT real_name, id_number FROM verification_identitysubmission WHERE id = %s",
            [submission_id],
        )
        return cursor.fetchone()


def test_name_and_number_are_encrypted_at_rest(submission):
    # when the row is read without the ORM
    raw_name, raw_number = _raw_row(submission.pk)
    # then neither column holds the plain text
    assert REAL_NAME not in raw_name and VALID_ID not in raw_number
    assert raw_name.startswith("enc1:") and raw_number.startswith("enc1:")
    # and the ORM gives the plain text back
    fresh = IdentitySubmission.objects.get(pk=submission.pk)
    assert (fresh.real_name, fresh.id_number) == (REAL_NAME, VALID_ID)


def test_document_is_stored_privately_under_a_random_name(submission, client):
    # then the file lives in private storage, outside MEDIA_ROOT, without the uploaded name
    path = Path(submission.document.path)
    assert path.is_file()
    assert Path(settings.STORAGES["private"]["OPTIONS"]["location"]) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert "张三丰" not in submission.document.name
    assert submission.document.name.endswith(".png")
    # and it has no URL at all: only the access-checked view serves it
    with pytest.raises(ValueError):
        submission.document.url  # noqa: B018


def test_submission_starts_pending_with_a_history_row(user, submission):
    assert submission.status == IdentitySubmission.Status.PENDING
    (row,) = submission.history.all()
    assert (row.from_status, row.to_status, row.actor) == ("", "pending", user)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"not an image at all", "image_invalid"),
        (b"%PDF-1.4 fake", "image_invalid"),
    ],
)
def test_a_document_that_is_not_an_image_is_refused(user, submit, document, content, code):
    with pytest.raises(InvalidInput) as error:
        submit(user, document=document(name="id.png", content=content))
    assert error.value.code == code
    assert not IdentitySubmission.objects.exists()


def test_a_document_with_too_many_pixels_is_refused(user, submit, document):
    from tests.verification.conftest import png_bytes

    huge = png_bytes(size=(6000, 6000))  # 36 MP, over the 30 MP limit
    with pytest.raises(InvalidInput) as error:
        submit(user, document=document(content=huge))
    assert error.value.code == "image_too_many_pixels"
    assert not IdentitySubmission.objects.exists()


def test_an_invalid_number_stores_nothing(user, submit):
    with pytest.raises(InvalidInput):
        submit(user, id_number="110105194912310021")
    assert not IdentitySubmission.objects.exists()


def test_passport_submission(user, submit):
    submission = submit(user, document_type=DocumentType.PASSPORT, id_number="e12345678")
    assert IdentitySubmission.objects.get(pk=submission.pk).id_number == "E12345678"


def test_a_second_submission_while_pending_is_refused(user, submission, submit):
    with pytest.raises(Conflict) as error:
        submit(user)
    assert error.value.code == "submission_pending"
    assert IdentitySubmission.objects.filter(user=user).count() == 1


def test_the_database_allows_one_pending_submission_per_person(user, submission):
    # when a second pending row is written past the service
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentitySubmission.objects.create(
            user=user,
            document_type=DocumentType.PASSPORT,
            real_name="x",
            id_number="E12345678",
            document=submission.document.name,
        )
    # then only the first exists
    assert IdentitySubmission.objects.filter(user=user).count() == 1


def test_reject_then_resubmit(user, submission, submit, staff_factory):
    # given a rejected submission
    moderator = staff_factory("moderator")
    services.identity_submission_reject(
        submission_id=submission.pk, actor=moderator, reason="The photo is blurred."
    )
    # when the person submits again
    second = submit(user)
    # then there are two submissions, the new one pending, the status follows the newest
    assert second.pk != submission.pk
    assert selectors.identity_current_of(user=user) == second
    assert not selectors.is_identity_verified(user=user)


def test_approval_gives_the_badge_and_blocks_a_new_submission(
    user, other_user, submission, submit, staff_factory
):
    moderator = staff_factory("moderator")
    services.identity_submission_approve(submission_id=submission.pk, actor=moderator)
    assert selectors.is_identity_verified(user=user)
    assert selectors.verified_user_ids(user_ids=[user.pk, other_user.pk]) == {user.pk}
    assert not selectors.is_identity_verified(user=other_user)
    with pytest.raises(Conflict) as error:
        submit(user)
    assert error.value.code == "already_verified"


def test_transitions_write_history_with_who_when_and_why(submission, staff_factory):
    moderator = staff_factory("moderator")
    services.identity_submission_reject(
        submission_id=submission.pk, actor=moderator, reason="Name does not match."
    )
    submission.refresh_from_db()
    assert submission.status == IdentitySubmission.Status.REJECTED
    assert submission.rejection_reason == "Name does not match."
    assert submission.decided_by == moderator and submission.decided_at is not None
    last = submission.history.last()
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        "pending",
        "rejected",
        moderator,
        "Name does not match.",
    )
    assert last.at is not None


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_a_decided_submission_cannot_be_decided_again(submission, staff_factory, first, second):
    moderator = staff_factory("moderator")
    decide = {
        "approve": lambda: services.identity_submission_approve(
            submission_id=submission.pk, actor=moderator
        ),
        "reject": lambda: services.identity_submission_reject(
            submission_id=submission.pk, actor=moderator, reason="Blurred photo."
        ),
    }
    decide[first]()
    submission.refresh_from_db()
    before = (submission.status, submission.history.count())
    with pytest.raises(Conflict):
        decide[second]()
    submission.refresh_from_db()
    assert (submission.status, submission.history.count()) == before


@pytest.mark.parametrize("reason", ["", "   ", "no"])
def test_rejection_needs_a_reason(submission, staff_factory, reason):
    moderator = staff_factory("moderator")
    with pytest.raises(InvalidInput):
        services.identity_submission_reject(
            submission_id=submission.pk, actor=moderator, reason=reason
        )
    submission.refresh_from_db()
    assert submission.status == IdentitySubmission.Status.PENDING
    assert submission.history.count() == 1


def test_a_moderator_cannot_review_their_own_submission(staff_factory, submit):
    moderator = staff_factory("moderator")
    own = submit(moderator)
    with pytest.raises(PermissionDenied):
        services.identity_submission_approve(submission_id=own.pk, actor=moderator)
    own.refresh_from_db()
    assert own.status == IdentitySubmission.Status.PENDING
    assert IdentitySubmissionHistory.objects.filter(submission=own).count() == 1


def test_verified_user_ids_is_one_query(django_assert_num_queries, submission, staff_factory):
    moderator = staff_factory("moderator")
    services.identity_submission_approve(submission_id=submission.pk, actor=moderator)
    with django_assert_num_queries(1):
        ids = [*range(1, 500), submission.user_id]
        assert selectors.verified_user_ids(user_ids=ids) >= {submission.user_id}
