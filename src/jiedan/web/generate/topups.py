"""The rows of a wallet top-up through the sandbox provider, as ``payments.services.topups``
and the sandbox leave them once the provider confirmed the charge: the ``TopUp`` (succeeded,
with its checkout address in the payer's language), the sandbox's charge, the provider's
``charge.succeeded`` webhook event (applied), and the two status changes (pending, then
succeeded by that event). The journal itself is written by ``money``."""

import hashlib
import json
from datetime import timedelta

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from jiedan.payments.gateways.base import EventType
from jiedan.payments.gateways.sandbox import NAME as SANDBOX
from jiedan.payments.models import SandboxOperation, StatusChange, TopUp, WebhookEvent

from .plan import Run
from .writer import record

LANGUAGES = {"zh": "zh-hans", "en": "en"}


class TopUpRows:
    def __init__(self, run: Run):
        self.run = run
        self.texts = {}
        for short, code in LANGUAGES.items():
            with translation.override(code):
                self.texts[short] = (
                    gettext("Jiedan wallet top-up"),
                    reverse("payments:sandbox_checkout", args=["TOKEN"]),
                    reverse("payments:top_up_detail", args=[999999999]),
                )

    def rows(self, posting) -> list:
        """The rows ``top_up_start`` and the sandbox's ``charge.succeeded`` event leave."""
        run, spec = self.run, posting.top_up
        quote, token = spec["quote"], spec["token"]
        description, checkout, return_url = self.texts[spec["lang"]]
        top_up_id = run.ids.take(TopUp)
        reference = f"{TopUp.REFERENCE_PREFIX}_{top_up_id}"
        posting.key = f"payments.top-up:{top_up_id}"
        posting.reference = reference
        posting.memo = f"top-up through {SANDBOX} ({token})"
        started, paid = spec["started"], posting.at
        request = {"amount": quote.credited, "currency": quote.currency}
        event_id = run.ids.take(WebhookEvent)
        rows = [
            record(
                TopUp,
                id=top_up_id,
                user_id=spec["user"],
                amount=quote.credited,
                processing_fee=quote.processing,
                charged=quote.charged,
                currency=quote.currency,
                status=TopUp.Status.SUCCEEDED,
                gateway=SANDBOX,
                provider_reference=token,
                checkout_url=checkout.replace("TOKEN", token),
                idempotency_key=spec["key"],
                request_fingerprint=hashlib.sha256(
                    json.dumps(request, sort_keys=True, default=str).encode()
                ).hexdigest(),
                journal_id=posting.journal_id,
                created_at=started,
                updated_at=paid,
                completed_at=paid,
            )
        ]
        decided = paid - timedelta(seconds=2)
        rows.append(
            record(
                SandboxOperation,
                id=run.ids.take(SandboxOperation),
                kind=SandboxOperation.Kind.CHARGE,
                token=token,
                reference=reference,
                amount=quote.charged,
                currency=quote.currency,
                description=description[:200],
                return_url=return_url.replace("999999999", str(top_up_id)),
                status=SandboxOperation.Status.SUCCEEDED,
                created_at=started,
                decided_at=decided,
                delivered_at=paid,
            )
        )
        payload = {
            "id": f"evt_{token}_succeeded",
            "type": str(EventType.CHARGE_SUCCEEDED),
            "created": int(decided.timestamp()),
            "data": {
                "reference": reference,
                "provider_reference": token,
                "amount": str(quote.charged),
                "currency": quote.currency,
                "failure_reason": "",
            },
        }
        rows.append(
            record(
                WebhookEvent,
                id=event_id,
                provider=SANDBOX,
                event_id=payload["id"],
                type=payload["type"],
                reference=reference,
                payload=payload,
                outcome=WebhookEvent.Outcome.APPLIED,
                received_at=paid,
            )
        )
        for from_status, to_status, actor, event, at in (
            ("", TopUp.Status.PENDING, spec["user"], None, started),
            (TopUp.Status.PENDING, TopUp.Status.SUCCEEDED, None, event_id, paid),
        ):
            rows.append(
                record(
                    StatusChange,
                    id=run.ids.take(StatusChange),
                    top_up_id=top_up_id,
                    from_status=from_status,
                    to_status=to_status,
                    actor_id=actor,
                    event_id=event,
                    created_at=at,
                )
            )
        return rows
