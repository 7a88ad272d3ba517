"""Messaging API under /api/v1/messages: list, open, history by cursor, send, read, search.
A non-member gets 404 {code, message} and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiedan.messaging.models import Conversation, Message, SafetyFlag
from jiedan.messaging.services import user_block
from tests.factories import UserFactory, bearer
from tests.messaging.factories import PDF, parties, pdf, png, say

pytestmark = pytest.mark.django_db

BASE = "/api/v1/messages"


def api(user) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(user))


def test_open_send_list_read_and_search(conversation, django_assert_max_num_queries):
    client, freelancer = parties(conversation)
    # open the proposal's conversation (it exists: the same one comes back)
    opened = api(freelancer).post(
        f"{BASE}/conversations",
        {"kind": "proposal", "subject_id": conversation.subject_id},
        content_type="application/json",
    )
    assert opened.status_code == 200 and opened.json()["id"] == conversation.pk
    # send two messages
    for body in ("第一条", "Second LINE"):
        sent = api(freelancer).post(
            f"{BASE}/conversations/{conversation.pk}/messages",
            {"body": body},
            content_type="application/json",
        )
        assert sent.status_code == 201 and sent.json()["body"] == body
    # the client's list shows the unread count and the last message (one query of the 11 is
    # the person's trust state, which their token's first call reads and then finds cached)
    with django_assert_max_num_queries(11):
        listed = api(client).get(f"{BASE}/conversations").json()
    assert listed["unread_total"] == 2
    row = listed["results"][0]
    assert (row["id"], row["unread"], row["last_message"]) == (conversation.pk, 2, "Second LINE")
    assert row["others"] == [{"id": freelancer.pk, "name": freelancer.get_short_name()}]
    # mark read
    read = api(client).post(
        f"{BASE}/conversations/{conversation.pk}/read", {}, content_type="application/json"
    )
    assert read.json()["unread_total"] == 0
    # the sender sees both as read
    history = api(freelancer).get(f"{BASE}/conversations/{conversation.pk}/messages").json()
    assert [m["read"] for m in history["results"]] == [True, True]
    # search, case-insensitive
    hits = api(client).get(f"{BASE}/conversations/{conversation.pk}/search", {"q": "line"})
    assert [m["body"] for m in hits.json()] == ["Second LINE"]


def test_history_by_cursor_and_after(conversation, settings):
    settings.JIEDAN_MESSAGE_SEND_RATE = "100/60"  # a long history, written in one go
    client, freelancer = parties(conversation)
    sent = [say(conversation, freelancer, f"m{n}") for n in range(32)]
    newest = api(client).get(f"{BASE}/conversations/{conversation.pk}/messages").json()
    assert newest["results"][0]["body"] == "m2"
    assert newest["older_cursor"] == sent[2].pk
    older = (
        api(client)
        .get(f"{BASE}/conversations/{conversation.pk}/messages", {"before": newest["older_cursor"]})
        .json()
    )
    assert [m["body"] for m in older["results"]] == ["m0", "m1"]
    assert older["older_cursor"] is None
    after = (
        api(client)
        .get(f"{BASE}/conversations/{conversation.pk}/messages", {"after": sent[30].pk})
        .json()
    )
    assert [m["body"] for m in after["results"]] == ["m31"]


def test_flagged_messages_carry_their_reasons(conversation):
    _client, freelancer = parties(conversation)
    sent = (
        api(freelancer)
        .post(
            f"{BASE}/conversations/{conversation.pk}/messages",
            {"body": "QQ: 123456789 私下交易"},
            content_type="application/json",
        )
        .json()
    )
    assert sent["flagged"] is True
    assert sent["flag_reasons"] == ["qq", "off_platform_payment"]
    assert SafetyFlag.objects.count() == 1


def test_non_members_get_404_and_nothing_changes(conversation):
    _client, freelancer = parties(conversation)
    say(conversation, freelancer, "hello")
    stranger = api(UserFactory())
    subject_id = conversation.subject_id
    urls = [
        ("get", f"{BASE}/conversations/{conversation.pk}/messages", None),
        ("post", f"{BASE}/conversations/{conversation.pk}/messages", {"body": "hi"}),
        ("post", f"{BASE}/conversations/{conversation.pk}/read", {}),
        ("get", f"{BASE}/conversations/{conversation.pk}/search?q=h", None),
        ("post", f"{BASE}/conversations", {"kind": "proposal", "subject_id": subject_id}),
    ]
    for method, path, body in urls:
        if method == "get":
            response = stranger.get(path)
        else:
            response = stranger.post(path, body, content_type="application/json")
        assert response.status_code == 404, path
        assert response.json()["code"] == "conversation_not_found"
    assert stranger.get(f"{BASE}/conversations").json() == {"unread_total": 0, "results": []}
    assert Message.objects.count() == 1 and Conversation.objects.count() == 1


def test_a_blocked_sender_gets_409_with_a_clear_message(conversation):
    client, freelancer = parties(conversation)
    user_block(blocker=client, blocked_id=freelancer.pk)
    response = api(freelancer).post(
        f"{BASE}/conversations/{conversation.pk}/messages",
        {"body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "blocked",
        "message": "This person has blocked you, so you cannot message them.",
    }
    assert Message.objects.count() == 0


def test_anonymous_callers_are_refused(conversation):
    assert Client().get(f"{BASE}/conversations").status_code == 401


def post(user, path, body=None):
    return api(user).post(f"{BASE}{path}", body or {}, content_type="application/json")


def test_block_unblock_and_report_through_the_api(conversation):
    client, freelancer = parties(conversation)
    message = say(conversation, freelancer, "Hello")
    assert post(client, f"/people/{freelancer.pk}/block").json() == {
        "user_id": freelancer.pk,
        "blocked": True,
    }
    sent = post(freelancer, f"/conversations/{conversation.pk}/messages", {"body": "hi"})
    assert sent.status_code == 409
    assert post(client, f"/people/{freelancer.pk}/unblock").json()["blocked"] is False
    again = post(freelancer, f"/conversations/{conversation.pk}/messages", {"body": "hi"})
    assert again.status_code == 201
    reported = post(client, f"/messages/{message.pk}/report", {"note": "Asks for WeChat"})
    assert (reported.status_code, reported.json()["status"]) == (201, "open")
    assert post(client, f"/people/{freelancer.pk}/report").status_code == 201
    assert SafetyFlag.objects.filter(reporter=client).count() == 2


def test_strangers_cannot_block_report_or_export(conversation):
    _client, freelancer = parties(conversation)
    message = say(conversation, freelancer, "Hello")
    stranger = UserFactory()
    for path in (
        f"/people/{freelancer.pk}/block",
        f"/people/{freelancer.pk}/report",
        f"/messages/{message.pk}/report",
    ):
        assert post(stranger, path).status_code == 404, path
    assert api(stranger).get(f"{BASE}/conversations/{conversation.pk}/export").status_code == 404
    assert SafetyFlag.objects.filter(reporter=stranger).count() == 0


def test_members_export_the_conversation_as_csv(conversation):
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "合同里的交付日期是周五")
    response = api(client).get(f"{BASE}/conversations/{conversation.pk}/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("time_utc,message_id,sender")
    assert "合同里的交付日期是周五" in text


def test_files_go_up_by_multipart_and_only_members_download_them(conversation):
    client, freelancer = parties(conversation)
    # when the freelancer sends an image (as a watermarked copy) and a PDF with a note
    sent = api(freelancer).post(
        f"{BASE}/conversations/{conversation.pk}/files",
        {"body": "drafts", "files": [png(), pdf()], "shared_as": "watermarked"},
    )
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["body"] == "drafts"
    files = {f["name"]: f for f in body["attachments"]}
    assert files["mockup.png"]["shared_as"] == "watermarked"
    assert files["brief.pdf"]["content_type"] == "application/pdf"
    # then the client downloads the PDF as it was sent
    got = api(client).get(files["brief.pdf"]["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Cache-Control"] == "private, no-store"
    # and a stranger gets 404
    assert api(UserFactory()).get(files["brief.pdf"]["url"]).status_code == 404


def test_a_file_refused_by_content_stores_nothing(conversation):
    _client, freelancer = parties(conversation)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    refused = api(freelancer).post(
        f"{BASE}/conversations/{conversation.pk}/files", {"files": [fake]}
    )
    assert refused.status_code == 422
    assert Message.objects.count() == 0


def test_a_stranger_cannot_send_files(conversation):
    refused = api(UserFactory()).post(
        f"{BASE}/conversations/{conversation.pk}/files", {"files": [pdf()]}
    )
    assert refused.status_code == 404
    assert Message.objects.count() == 0


def test_unread_count_and_rate_limit_answers(conversation, settings):
    settings.JIEDAN_MESSAGE_SEND_RATE = "1/60"
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "hello")
    assert api(client).get(f"{BASE}/unread-count").json() == {"count": 1}
    refused = api(freelancer).post(
        f"{BASE}/conversations/{conversation.pk}/messages",
        {"body": "again"},
        content_type="application/json",
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert Message.objects.count() == 1
