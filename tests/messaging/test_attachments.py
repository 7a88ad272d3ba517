"""Files on messages: checked by content, scanned when a scanner is configured, stored
privately with a SHA-256 fingerprint and an image preview; images may go as a watermarked or
smaller copy until a contract is paid. Only members fetch them."""

import csv
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from jiedan.contracts.models import Contract
from jiedan.core.errors import InvalidInput, RateLimited
from jiedan.messaging import services
from jiedan.messaging.models import Message, MessageAttachment, SharedAs
from tests.contracts.factories import funded_milestone
from tests.factories import UserFactory
from tests.messaging.factories import PDF, contract_conversation, parties, pdf, png

pytestmark = pytest.mark.django_db

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def refuse_eicar(upload) -> bool:
    """A scanner that knows one signature: the EICAR test file."""
    return EICAR not in upload.read()


def send(conversation, sender, files, **kwargs):
    return services.message_send(
        sender=sender, conversation_id=conversation.pk, body="", attachments=files, **kwargs
    )


def test_files_are_stored_privately_with_fingerprints_and_previews(conversation):
    _client, freelancer = parties(conversation)
    image, document = png(), pdf()
    message = send(conversation, freelancer, [image, document])
    stored = list(message.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type, a.shared_as) for a in stored] == [
        ("mockup.png", "image/png", SharedAs.ORIGINAL),
        ("brief.pdf", "application/pdf", SharedAs.ORIGINAL),
    ]
    assert stored[1].sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored[0].preview and not stored[1].preview


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_kept(conversation):
    _client, freelancer = parties(conversation)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(InvalidInput):
        send(conversation, freelancer, [png(), fake])
    assert Message.objects.count() == 0 and MessageAttachment.objects.count() == 0


def test_more_than_five_files_are_refused(conversation):
    _client, freelancer = parties(conversation)
    with pytest.raises(InvalidInput) as refused:
        send(conversation, freelancer, [pdf(f"{n}.pdf") for n in range(6)])
    assert refused.value.code == "too_many_files"
    assert Message.objects.count() == 0


def test_the_configured_scanner_can_refuse_a_file(conversation, settings):
    settings.JIEDAN_MESSAGE_SCANNER = "tests.messaging.test_attachments.refuse_eicar"
    _client, freelancer = parties(conversation)
    infected = SimpleUploadedFile("x.zip", b"PK\x03\x04" + EICAR)
    with pytest.raises(InvalidInput) as refused:
        send(conversation, freelancer, [infected])
    assert refused.value.code == "file_infected"
    assert MessageAttachment.objects.count() == 0
    assert send(conversation, freelancer, [pdf()]).attachments.count() == 1


@pytest.mark.parametrize("shared_as", [SharedAs.WATERMARKED, SharedAs.DOWNSCALED])
def test_before_payment_an_image_can_go_as_a_protected_copy(conversation, shared_as):
    _client, freelancer = parties(conversation)
    message = send(conversation, freelancer, [png()], shared_as=shared_as)
    stored = message.attachments.get()
    assert (stored.shared_as, stored.content_type) == (shared_as, "image/jpeg")
    with stored.file.open("rb") as handle:
        data = handle.read()
    assert max(Image.open(io.BytesIO(data)).size) <= 800
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_after_payment_images_go_as_originals():
    conversation = contract_conversation()
    _client, freelancer = parties(conversation)
    funded_milestone(Contract.objects.get(pk=conversation.subject_id))
    message = send(conversation, freelancer, [png()], shared_as=SharedAs.WATERMARKED)
    assert message.attachments.get().shared_as == SharedAs.ORIGINAL


def test_only_members_download_files_and_previews(conversation):
    client, freelancer = parties(conversation)
    stored = send(conversation, freelancer, [png()]).attachments.get()
    with translation.override("en"):
        download = reverse("messaging:attachment", args=[stored.pk])
        preview = reverse("messaging:preview", args=[stored.pk])
    member = Client()
    member.force_login(client)
    got = member.get(download)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert "attachment" in got["Content-Disposition"]
    assert member.get(preview)["Content-Type"] == "image/jpeg"
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(download).status_code == 404
    assert stranger.get(preview).status_code == 404


def test_the_page_sends_files_by_plain_post(conversation):
    _client, freelancer = parties(conversation)
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(freelancer)
    with translation.override("en"):
        page = reverse("messaging:conversation", args=[conversation.pk])
    form = web.get(page).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="shared_as"' in form
    web.post(page, {"body": "see attached", "files": [pdf()], "shared_as": "watermarked"})
    stored = MessageAttachment.objects.get()
    assert stored.shared_as == SharedAs.ORIGINAL  # only images are ever copied
    assert "brief.pdf" in web.get(page).content.decode()


def test_members_export_the_conversation_with_file_fingerprints(conversation):
    client, freelancer = parties(conversation)
    services.message_send(sender=client, conversation_id=conversation.pk, body='你好, "quoted"')
    send(conversation, freelancer, [pdf()])
    with translation.override("en"):
        export = reverse("messaging:export", args=[conversation.pk])
    member = Client()
    member.force_login(freelancer)
    response = member.get(export)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["time_utc", "message_id", "sender", "text", "safety_warnings", "attachments"]
    assert rows[1][2:5] == [client.get_short_name(), '你好, "quoted"', ""]
    assert rows[1][0].endswith("+00:00")
    assert rows[2][5] == f"brief.pdf sha256:{hashlib.sha256(PDF).hexdigest()}"
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(export).status_code == 404


def test_messages_with_files_have_their_own_hourly_limit(conversation, settings):
    settings.JIEDAN_MESSAGE_FILES_RATE = "1/3600"
    _client, freelancer = parties(conversation)
    send(conversation, freelancer, [pdf()])
    with pytest.raises(RateLimited) as refused:
        send(conversation, freelancer, [pdf("again.pdf")])
    assert refused.value.code == "rate_limited"
    assert MessageAttachment.objects.count() == 1
    # plain text still goes
    services.message_send(sender=freelancer, conversation_id=conversation.pk, body="ok")
