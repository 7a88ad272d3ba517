"""The JSON API as a whole (``jiedan.config.api``): its OpenAPI document states every answer an
operation gives, every schema has a name of its own, and a JSON body must be an object."""

import jsonschema_rs
import pytest

from jiedan.config.api import ERROR_STATUSES, JiedanOpenAPISchema, api
from jiedan.projects.models import Project
from tests.contracts.factories import offered_contract
from tests.factories import UserFactory, bearer
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db

API = "/api/v1"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(client) -> dict:
    return client.get(f"{API}/openapi.json").json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def assert_matches_document(document: dict, path: str, response) -> None:
    """The body validates against the schema the document gives for this path and status."""
    answer = document["paths"][path]["get"]["responses"][str(response.status_code)]
    schema = answer["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == [], errors[:3]


def test_every_operation_documents_the_error_answers_in_one_shape(document):
    # when the document is read
    error = document["components"]["schemas"]["ErrorOut"]
    # then every operation lists every error status with the shared error shape
    assert error["required"] == ["code", "message"]
    for label, operation in operations(document):
        for status in ERROR_STATUSES:
            answer = operation["responses"].get(str(status))
            assert answer, f"{label} does not document {status}"
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, label
        assert "Retry-After" in operation["responses"]["429"]["headers"], label


def test_sign_in_with_wrong_credentials_is_a_documented_401(client, document):
    # given a sign-in operation, which needs no credentials of its own
    operation = document["paths"][f"{API}/auth/token"]["post"]
    # when someone signs in with a wrong password
    response = client.post(
        f"{API}/auth/token",
        {"email": "nobody@example.com", "password": "wrong", "name": "cli"},
        content_type="application/json",
    )
    # then the 401 they get is one the document lists
    assert response.status_code == 401
    assert "401" in operation["responses"]


def test_operations_open_to_anonymous_callers_say_sign_in_is_optional(client, document):
    # given an open project, readable without signing in but changed only by its client
    project = open_project()
    item = document["paths"][f"{API}/projects/{{project_id}}"]
    # then reading it lists "no credentials" among the ways in, and changing it does not
    assert item["get"]["security"][-1] == {}
    assert {} not in item["put"]["security"]
    # and the server does as documented
    assert client.get(f"{API}/projects/{project.pk}").status_code == 200
    response = client.put(
        f"{API}/projects/{project.pk}", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_no_two_api_schemas_share_a_name():
    # given a document builder that notes a name given to two different schemas
    clashes = []

    class ClashRecorder(JiedanOpenAPISchema):
        def add_schema_definitions(self, definitions):
            for name, definition in definitions.items():
                if self.schemas.get(name, definition) != definition:
                    clashes.append(name)
            super().add_schema_definitions(definitions)

    # when the whole document is built
    ClashRecorder(api, f"{API}/")
    # then no name was taken twice (the later schema would hide the earlier one)
    assert clashes == []


@pytest.mark.parametrize("path", ["/taxonomy/categories", "/taxonomy/skills"])
def test_taxonomy_answers_match_their_documented_schema(client, document, path):
    # when the public taxonomy is read (its schemas once shared names with shorter ones)
    response = client.get(f"{API}{path}")
    # then the answer validates against the document
    assert response.status_code == 200
    assert response.json()
    assert_matches_document(document, f"{API}{path}", response)


@pytest.mark.parametrize("body", ['"AAA"', "[1, 2]", "7", "true", "null"])
def test_a_json_body_that_is_not_an_object_is_refused_and_creates_nothing(client, body):
    # given a client
    auth = bearer(UserFactory())
    # when a project is posted as a bare JSON value instead of an object
    response = client.post(
        f"{API}/projects", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **auth
    )
    # then it is a 400 that says what to send, and no project appears
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request body must be a JSON object.",
    }
    assert not Project.objects.exists()


def test_a_null_body_does_not_put_the_privacy_settings_back_to_their_defaults(client):
    # given someone who shares their phone number
    user = UserFactory()
    auth = bearer(user)
    client.put(
        f"{API}/privacy/settings", {"share_phone": True}, content_type="application/json", **auth
    )
    # when their settings are put with a JSON null for a body
    response = client.put(
        f"{API}/privacy/settings", "null", content_type="application/json", **auth
    )
    # then it is refused, and the phone is still shared
    assert response.status_code == 400
    assert client.get(f"{API}/privacy/settings", **auth).json()["share_phone"] is True


def test_an_optional_body_is_left_out_and_documented_without_null(client, document):
    # given a contract offered to a freelancer, whose decline takes an optional reason
    contract = offered_contract()
    path = f"{API}/contracts/{{contract_id}}/decline"
    body = document["paths"][path]["post"]["requestBody"]
    # then the document gives the reason object alone, not "or null", and not required
    assert body["required"] is False
    schema = body["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ReasonIn"}
    # and the freelancer declines with no body at all
    response = client.generic(
        "POST",
        f"{API}/contracts/{contract.pk}/decline",
        b"",
        content_type="application/json",
        **bearer(contract.freelancer),
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
