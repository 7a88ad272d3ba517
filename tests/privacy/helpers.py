"""A person with something in every corner of the platform, built through the real services,
and the scan that looks for their identifiers in every text column of every model."""

import io
import json
from dataclasses import dataclass

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from PIL import Image

from jiedan.contracts import services as contracts
from jiedan.contracts.models import Contract
from jiedan.messaging import services as messaging
from jiedan.messaging.models import SubjectKind
from jiedan.payments.services import payout_method_add
from jiedan.profiles import services as profiles
from jiedan.verification.models import DocumentType
from jiedan.verification.services import identity_submit
from tests.contracts.factories import active_contract, funded_milestone
from tests.factories import UserFactory
from tests.profiles.helpers import details, item_details

NAME = "Qiao Lanfang 乔兰芳"
EMAIL = "lanfang.qiao@example.com"
PHONE = "13912345678"
WECHAT = "lanfang_wx_88"
REAL_NAME = "乔兰芳"
ID_NUMBER = "11010519491231002X"
BANK_ACCOUNT = "6222 0202 0011 7788"


def png(name="photo.png", size=(600, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class Person:
    user: object
    counterpart: object
    contract: Contract

    @property
    def identifiers(self) -> list[str]:
        return [EMAIL, NAME, PHONE, WECHAT, REAL_NAME, ID_NUMBER, BANK_ACCOUNT]


def finished_contract(client, freelancer) -> Contract:
    """Both milestones funded, delivered and approved: the contract is completed and the
    client's wallet is back at zero."""
    contract = active_contract(client=client, freelancer=freelancer)
    for position in (1, 2):
        milestone = funded_milestone(contract, position)
        contracts.milestone_submit(
            freelancer=freelancer, milestone_id=milestone.pk, message="Done, see the files."
        )
        contracts.milestone_approve(client=client, milestone_id=milestone.pk)
    contract.refresh_from_db()
    return contract


def person_with_everything() -> Person:
    """A client (who is also a freelancer) with a profile, contacts, portfolio, identity,
    payout method, a finished paid contract and a conversation in which both sides named
    them and their phone."""
    user = UserFactory(email=EMAIL, display_name=NAME)
    counterpart = UserFactory(display_name="Ma Jun")
    profiles.freelancer_profile_update(user=user, details=details(bio=f"I am {NAME}."))
    profiles.freelancer_contacts_update(
        user=user, contacts=profiles.ContactDetails(phone=PHONE, wechat_id=WECHAT)
    )
    profiles.freelancer_avatar_set(user=user, upload=png())
    item = profiles.portfolio_item_create(user=user, details=item_details())
    profiles.portfolio_file_add(user=user, item_id=item.pk, upload=png("work.png"))
    identity_submit(
        user=user,
        document_type=DocumentType.CN_RESIDENT_ID,
        real_name=REAL_NAME,
        id_number=ID_NUMBER,
        document=png("id.png", (40, 30)),
    )
    payout_method_add(
        user=user, kind="bank", holder_name=REAL_NAME, account=BANK_ACCOUNT, bank_name="中国银行"
    )
    contract = finished_contract(user, counterpart)
    conversation = messaging.conversation_open_for_subject(
        user=user, kind=SubjectKind.CONTRACT, subject_id=contract.pk
    )
    messaging.message_send(
        sender=user,
        conversation_id=conversation.pk,
        body=f"Thanks! Call me on {PHONE}.",
        attachments=[png("notes.png", (80, 80))],
    )
    messaging.message_send(
        sender=counterpart, conversation_id=conversation.pk, body=f"Thank you, {NAME}!"
    )
    return Person(user=user, counterpart=counterpart, contract=contract)


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def identifiers_found(identifiers: list[str]) -> list[tuple[str, str, int, str]]:
    """Every (model, field, pk, identifier) where an identifier still appears, reading every
    text and JSON column of every model through the ORM (so encrypted fields are read in the
    clear)."""
    found = []
    lowered = [text.lower() for text in identifiers]
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not names:
            continue
        for row in model._default_manager.values_list("pk", *names):
            for name, value in zip(names, row[1:], strict=True):
                text = _text(value).lower()
                for identifier in lowered:
                    if identifier and identifier in text:
                        found.append((model._meta.label, name, row[0], identifier))
    return found
