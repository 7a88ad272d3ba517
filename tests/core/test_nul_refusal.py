"""The JSON API refuses text with the NUL character (PostgreSQL text cannot hold it) with a 422
naming where it was, before any view runs and without writing anything."""

import json

import pytest

from jiedan.piecework.models import Piece
from jiedan.projects.models import Project
from tests.factories import UserFactory, bearer
from tests.piecework.factories import open_task

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MESSAGE = "Text must not contain the NUL character (U+0000)."


def assert_refused(response, location: list[str]) -> None:
    assert response.status_code == 422, response.content
    assert response.json() == {
        "code": "nul_character",
        "message": MESSAGE,
        "details": [{"loc": location, "msg": MESSAGE}],
    }


def test_a_nul_in_the_query_string_is_refused(client):
    # when a filter value carries a NUL (it used to reach PostgreSQL: a 500)
    response = client.get(
        "/api/v1/proposals/mine", {"status": "submitted\x00"}, **bearer(UserFactory()), **EN
    )
    # then it is refused, naming the parameter
    assert_refused(response, ["query", "status"])


def test_a_nul_in_a_json_body_is_refused_and_nothing_is_saved(client):
    # when a project's title carries a NUL deep in the body
    response = client.post(
        "/api/v1/projects",
        json.dumps({"title": "Logo", "screening_questions": ["ok", "why\x00"]}),
        content_type="application/json",
        **bearer(UserFactory()),
        **EN,
    )
    # then it is refused, naming where it was, and no project is saved
    assert_refused(response, ["body", "screening_questions", "1"])
    assert not Project.objects.exists()


def test_a_nul_in_a_form_a_view_reads_itself_is_refused_and_nothing_is_saved(client):
    # given an open piece-rate task, whose pieces the view reads from the form itself
    task = open_task()
    # when a freelancer sends a piece whose text carries a NUL
    response = client.post(
        f"/api/v1/tasks/{task.pk}/pieces",
        {"text": "done\x00"},
        **bearer(UserFactory()),
        **EN,
    )
    # then it is refused before the view, and no piece is saved
    assert_refused(response, ["form", "text"])
    assert not Piece.objects.exists()


def test_a_form_sent_to_a_json_operation_is_a_bad_request_and_saves_nothing(client):
    # when a project is posted as a form, though the operation reads a JSON body (the check
    # reads the form first, and the operation must still be able to read the body)
    response = client.post("/api/v1/projects", {"title": "Logo"}, **bearer(UserFactory()))
    # then it is the API's 400, not a server error, and nothing is saved
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert not Project.objects.exists()


def test_an_escaped_backslash_is_text_like_any_other(client):
    # when a title holds the six characters \u0000 (an escaped backslash, not a NUL)
    response = client.post(
        "/api/v1/projects",
        json.dumps({"title": "Escape \\u0000 in C"}),
        content_type="application/json",
        **bearer(UserFactory()),
    )
    # then the project is made with that title
    assert response.status_code == 201
    assert Project.objects.get().title == "Escape \\u0000 in C"


def test_web_pages_are_left_to_their_forms(client):
    # a NUL in a web page's query is the page's business (its form refuses it), not a JSON 422
    response = client.get("/en/projects/", {"q": "x\x00"})
    assert response.status_code != 422
    assert not response["Content-Type"].startswith("application/json")
