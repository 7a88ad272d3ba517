"""Verification API: shapes, errors, and that no number or correct answer ever leaves."""

import json

import pytest

from jiedan.accounts import services as account_services
from jiedan.verification import services
from jiedan.verification.models import IdentitySubmission, SkillTestAttempt
from tests.verification.conftest import VALID_ID, move_clock_back, png_bytes

pytestmark = pytest.mark.django_db

BASE = "/api/v1/verification"


@pytest.fixture
def api(client, user):
    secret = account_services.access_token_create(
        user=user, name="t", scopes=["read", "write"]
    ).secret
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def _identity_form(**overrides):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "document_type": "cn_resident_id",
        "real_name": "张三丰",
        "id_number": VALID_ID,
        "document": SimpleUploadedFile("id.png", png_bytes(), content_type="image/png"),
        **overrides,
    }


def test_identity_status_before_submitting(api):
    response = api.get(f"{BASE}/identity")
    assert response.status_code == 200
    assert response.json() == {
        "status": "none",
        "verified": False,
        "can_submit": True,
        "submission": None,
    }


def test_identity_submit_and_status(api, user):
    response = api.post(f"{BASE}/identity", _identity_form())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["can_submit"] is False
    assert set(body["submission"]) == {
        "id",
        "document_type",
        "status",
        "submitted_at",
        "decided_at",
        "rejection_reason",
    }
    assert VALID_ID not in response.content.decode()
    assert "张三丰" not in response.content.decode()
    assert IdentitySubmission.objects.filter(user=user).count() == 1
    status = api.get(f"{BASE}/identity")
    assert VALID_ID not in status.content.decode()


def test_identity_rejection_reason_is_shown_to_the_owner(api, user, staff_factory):
    api.post(f"{BASE}/identity", _identity_form())
    submission = IdentitySubmission.objects.get(user=user)
    services.identity_submission_reject(
        submission_id=submission.pk, actor=staff_factory("moderator"), reason="Photo is blurred."
    )
    body = api.get(f"{BASE}/identity").json()
    assert body["status"] == "rejected" and body["can_submit"] is True
    assert body["submission"]["rejection_reason"] == "Photo is blurred."


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"id_number": "110105194912310021"}, 422, "id_number_checksum"),
        ({"document_type": "passport", "id_number": "E1"}, 422, "passport_format"),
        ({"real_name": "   "}, 422, "real_name"),
    ],
)
def test_identity_submit_errors(api, overrides, status, code):
    response = api.post(f"{BASE}/identity", _identity_form(**overrides))
    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message"}
    assert not IdentitySubmission.objects.exists()


def test_identity_submit_without_a_file_is_a_validation_error(api):
    form = _identity_form()
    del form["document"]
    response = api.post(f"{BASE}/identity", form)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not IdentitySubmission.objects.exists()


def test_identity_submit_twice_is_a_conflict(api):
    api.post(f"{BASE}/identity", _identity_form())
    response = api.post(f"{BASE}/identity", _identity_form())
    assert response.status_code == 409
    assert response.json()["code"] == "submission_pending"
    assert IdentitySubmission.objects.count() == 1


def test_anonymous_gets_401(client, db):
    assert client.get(f"{BASE}/identity").status_code == 401
    assert client.get(f"{BASE}/skill-tests").status_code == 401


def test_read_only_token_cannot_submit(client, user):
    secret = account_services.access_token_create(user=user, name="r", scopes=["read"]).secret
    response = client.post(
        f"{BASE}/identity", _identity_form(), HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 403
    assert not IdentitySubmission.objects.exists()


def test_skill_test_list_shape(api, skill_test):
    response = api.get(f"{BASE}/skill-tests")
    assert response.status_code == 200
    (item,) = response.json()
    assert item == {
        "id": skill_test.pk,
        "kind": "multiple_choice",
        "skill": {
            "id": skill_test.skill_id,
            "slug": skill_test.skill.slug,
            "name": skill_test.skill.name_zh,
        },
        "pass_percent": 75,
        "time_limit_minutes": 10,
        "questions_per_attempt": 4,
        "cooldown_days": 7,
        "state": "available",
        "retry_at": None,
        "open_attempt_id": None,
        "score_percent": None,
    }


def test_skill_names_follow_the_language(api, skill_test):
    response = api.get(f"{BASE}/skill-tests", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()[0]["skill"]["name"] == skill_test.skill.name_en


def _assert_no_correctness(body: dict) -> None:
    text = json.dumps(body)
    assert "correct" not in text
    for question in body["questions"]:
        assert set(question) == {"id", "text", "choices"}
        for choice in question["choices"]:
            assert set(choice) == {"id", "text"}


def test_attempt_lifecycle_over_the_api(api, user, skill_test):
    # when the person starts the test
    response = api.post(f"{BASE}/skill-tests/{skill_test.pk}/attempts")
    assert response.status_code == 201
    body = response.json()
    # then they get questions and choices, never which is right
    assert body["status"] == "open" and body["passed"] is None and body["score_percent"] is None
    assert 590 <= body["seconds_left"] <= 600
    assert len(body["questions"]) == 4
    _assert_no_correctness(body)
    assert api.get(f"{BASE}/attempts/{body['id']}").json()["questions"] == body["questions"]
    # when they answer everything correctly
    attempt = SkillTestAttempt.objects.get(pk=body["id"])
    answers = []
    for question in body["questions"]:
        right = attempt.drawn.get(question_id=question["id"]).question.choices.get(is_correct=True)
        answers.append({"question_id": question["id"], "choice_id": right.pk})
    submitted = api.post(
        f"{BASE}/attempts/{body['id']}/answers",
        {"answers": answers},
        content_type="application/json",
    )
    # then they see the score and pass, and still nothing about the answers
    assert submitted.status_code == 200
    result = submitted.json()
    assert (result["status"], result["score_percent"], result["passed"]) == ("submitted", 100, True)
    assert result["questions"] == [] and result["seconds_left"] == 0
    _assert_no_correctness(result)
    assert api.get(f"{BASE}/attempts/{body['id']}").json() == result
    listed = api.get(f"{BASE}/skill-tests").json()[0]
    assert (listed["state"], listed["score_percent"]) == ("passed", 100)


def test_start_errors(api, user, skill_test):
    assert api.post(f"{BASE}/skill-tests/999999/attempts").status_code == 404
    api.post(f"{BASE}/skill-tests/{skill_test.pk}/attempts")
    again = api.post(f"{BASE}/skill-tests/{skill_test.pk}/attempts")
    assert again.status_code == 409 and again.json()["code"] == "attempt_open"
    assert SkillTestAttempt.objects.count() == 1


def test_late_answers_are_a_conflict_and_the_attempt_expires(api, user, skill_test):
    body = api.post(f"{BASE}/skill-tests/{skill_test.pk}/attempts").json()
    move_clock_back(SkillTestAttempt.objects.get(pk=body["id"]), seconds=3600)
    # reading an overdue attempt already shows it as expired, without questions
    shown = api.get(f"{BASE}/attempts/{body['id']}").json()
    assert (shown["status"], shown["questions"], shown["passed"]) == ("expired", [], False)
    answers = [
        {"question_id": q["id"], "choice_id": q["choices"][0]["id"]} for q in body["questions"]
    ]
    response = api.post(
        f"{BASE}/attempts/{body['id']}/answers",
        {"answers": answers},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "attempt_expired"
    assert SkillTestAttempt.objects.get(pk=body["id"]).status == "expired"


def test_bad_answers_are_422(api, skill_test):
    body = api.post(f"{BASE}/skill-tests/{skill_test.pk}/attempts").json()
    response = api.post(
        f"{BASE}/attempts/{body['id']}/answers",
        {"answers": [{"question_id": 0, "choice_id": 0}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "answers"
    assert SkillTestAttempt.objects.get(pk=body["id"]).status == "open"


def test_another_persons_attempt_is_404(api, other_user, skill_test):
    attempt = services.attempt_start(user=other_user, test_id=skill_test.pk)
    assert api.get(f"{BASE}/attempts/{attempt.pk}").status_code == 404
    response = api.post(
        f"{BASE}/attempts/{attempt.pk}/answers", {"answers": []}, content_type="application/json"
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == "open"


def test_an_unknown_document_type_is_refused_and_nothing_is_submitted(api):
    # when the identity form names a document type that is not on the list
    response = api.post(f"{BASE}/identity", _identity_form(document_type="library_card"))
    # then it is a validation error on that field, and no submission is stored
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["form", "document_type"]
    assert not IdentitySubmission.objects.exists()
