"""Conversations built through the real services, one per kind of subject, and files to send."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiedan.catalog.services import service_order_place
from jiedan.messaging import services
from jiedan.messaging.models import Conversation, SubjectKind
from jiedan.proposals.services import invitation_send
from tests.catalog.factories import published_service
from tests.contracts.factories import active_contract
from tests.factories import UserFactory
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on


def proposal_conversation(client=None, freelancer=None) -> Conversation:
    """The client and a freelancer talking about a proposal: no contract between them yet."""
    project = open_project(client=client) if client else open_project()
    proposal = proposal_on(project, freelancer=freelancer or UserFactory())
    return services.conversation_open_for_subject(
        user=project.client, kind=SubjectKind.PROPOSAL, subject_id=proposal.pk
    )


def contract_conversation(**kwargs) -> Conversation:
    """The two parties of an active contract."""
    contract = active_contract(**kwargs)
    return services.conversation_open_for_subject(
        user=contract.client, kind=SubjectKind.CONTRACT, subject_id=contract.pk
    )


def order_conversation() -> Conversation:
    service = published_service(owner=UserFactory(), tiers=1)
    placed = service_order_place(
        buyer=UserFactory(),
        service_id=service.pk,
        tier_level="basic",
        extra_ids=[],
        idempotency_key="order-1",
    )
    return services.conversation_open_for_subject(
        user=placed.order.buyer, kind=SubjectKind.ORDER, subject_id=placed.order.pk
    )


def invitation_conversation() -> Conversation:
    project = open_project()
    invitation = invitation_send(
        client=project.client, project_id=project.pk, freelancer_id=UserFactory().pk
    )
    return services.conversation_open_for_subject(
        user=invitation.freelancer, kind=SubjectKind.INVITATION, subject_id=invitation.pk
    )


def parties(conversation: Conversation) -> tuple:
    """The two members, in the order of their seats."""
    seats = conversation.memberships.select_related("user").order_by("pk")
    first, second = (seat.user for seat in seats)
    return first, second


def say(conversation: Conversation, sender, body: str = "你好，什么时候开始？"):
    return services.message_send(sender=sender, conversation_id=conversation.pk, body=body)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name="mockup.png", size=(1600, 1200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="brief.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
