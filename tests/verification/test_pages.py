"""Verification pages in both languages: forms with labels, no answers in the HTML, bounded."""

import re

import pytest

from jiedan.verification import services
from jiedan.verification.models import IdentitySubmission, SkillTestAttempt, SkillTestChoice
from tests.verification.conftest import VALID_ID, answers_for, move_clock_back, png_bytes

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]
_CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _without_csrf(html: str) -> str:
    return _CSRF.sub(r"\1", html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_identity_page_has_a_labelled_form(signed_in, user, lang):
    response = signed_in(user).get(f"/{lang}/verification/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'enctype="multipart/form-data"' in html
    for name in ("document_type", "real_name", "id_number", "document"):
        assert f'for="id_{name}"' in html


def test_identity_page_submit_and_status(signed_in, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(user)
    response = client.post(
        "/en/verification/",
        {
            "document_type": "cn_resident_id",
            "real_name": "张三丰",
            "id_number": VALID_ID.lower(),
            "document": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    assert IdentitySubmission.objects.get(user=user).id_number == VALID_ID
    html = client.get("/en/verification/").content.decode()
    assert "waiting for review" in html
    assert 'name="id_number"' not in html  # no form while pending
    assert VALID_ID not in html


def test_identity_page_shows_errors_without_storing(signed_in, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(user).post(
        "/en/verification/",
        {
            "document_type": "cn_resident_id",
            "real_name": "张三丰",
            "id_number": "110105194912310021",
            "document": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert "check it for typing mistakes" in response.content.decode()
    assert not IdentitySubmission.objects.exists()


def test_rejected_person_sees_the_reason_and_the_form(signed_in, user, submission, staff_factory):
    services.identity_submission_reject(
        submission_id=submission.pk, actor=staff_factory("moderator"), reason="Photo is blurred."
    )
    html = signed_in(user).get("/en/verification/").content.decode()
    assert "Photo is blurred." in html
    assert 'name="id_number"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_skill_test_list_page_states(signed_in, user, make_test, lang):
    available = make_test(slug="vt-a")
    failed = make_test(slug="vt-b")
    attempt = services.attempt_start(user=user, test_id=failed.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=0)
    )
    response = signed_in(user).get(f"/{lang}/verification/skill-tests/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/verification/skill-tests/{available.pk}/start/" in html
    assert f"/verification/skill-tests/{failed.pk}/start/" not in html
    assert ("Retry after" if lang == "en" else "verification") in html


def test_skill_test_list_query_count_is_bounded(
    signed_in, user, make_test, django_assert_max_num_queries
):
    client = signed_in(user)
    make_test(slug="vt-0")
    client.get("/en/verification/skill-tests/")  # warm up session and caches
    for number in range(1, 8):
        make_test(slug=f"vt-{number}")
    with django_assert_max_num_queries(8):
        response = client.get("/en/verification/skill-tests/")
    assert response.content.decode().count("/start/") == 8


def test_attempt_page_and_result_never_reveal_the_correct_answers(signed_in, user, skill_test):
    # given an open attempt
    client = signed_in(user)
    start = client.post(f"/en/verification/skill-tests/{skill_test.pk}/start/")
    attempt = SkillTestAttempt.objects.get(user=user)
    assert start["Location"] == f"/en/verification/attempts/{attempt.pk}/"
    # when the page is rendered, then rendered again with every answer key changed
    page = client.get(start["Location"]).content.decode()
    SkillTestChoice.objects.update(is_correct=False)
    SkillTestChoice.objects.filter(position=2).update(is_correct=True)
    again = client.get(start["Location"]).content.decode()
    # then the HTML is the same: nothing in it depends on which choice is right
    assert _without_csrf(page) == _without_csrf(again)
    assert "correct" not in page.lower()
    assert 'data-countdown="' in page
    seconds = int(re.search(r'data-countdown="(\d+)"', page).group(1))
    assert 590 <= seconds <= 600
    # when the person submits choice 0 everywhere (now all wrong)
    form = {}
    for row in attempt.drawn.select_related("question"):
        form[f"q{row.question_id}"] = row.question.choices.get(position=0).pk
    response = client.post(start["Location"], form)
    assert response["Location"] == f"/en/verification/attempts/{attempt.pk}/result/"
    result = client.get(response["Location"]).content.decode()
    assert "You scored 0%" in result
    assert "correct" not in result.lower()
    for choice in SkillTestChoice.objects.all():
        assert choice.text_en not in result
    # and the attempt page now leads to the result
    assert client.get(start["Location"])["Location"].endswith("/result/")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_attempt_page_in_both_languages(signed_in, user, skill_test, lang):
    client = signed_in(user)
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    html = client.get(f"/{lang}/verification/attempts/{attempt.pk}/").content.decode()
    first = attempt.drawn.select_related("question").first().question
    assert (first.text_zh if lang == "zh-hans" else first.text_en) in html
    assert "<fieldset" in html and "<legend>" in html


def test_late_web_submission_shows_time_ran_out(signed_in, user, skill_test):
    client = signed_in(user)
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    move_clock_back(attempt, seconds=3600)
    response = client.post(f"/en/verification/attempts/{attempt.pk}/", {}, follow=True)
    assert "Time ran out" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "expired"


def test_someone_elses_attempt_page_is_404(signed_in, other_user, user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    client = signed_in(other_user)
    assert client.get(f"/en/verification/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/en/verification/attempts/{attempt.pk}/result/").status_code == 404


def test_start_during_cooldown_shows_a_message(signed_in, user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=0)
    )
    response = signed_in(user).post(
        f"/en/verification/skill-tests/{skill_test.pk}/start/", follow=True
    )
    assert "You can take this test again on" in response.content.decode()
    assert SkillTestAttempt.objects.count() == 1


@pytest.mark.parametrize(
    "path", ["/en/verification/", "/en/verification/skill-tests/", "/en/verification/attempts/1/"]
)
def test_pages_need_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
