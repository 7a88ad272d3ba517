"""Escrow now lives in the ledger. Every recorded movement is carried over as a journal before
the old table goes, so no history is lost: a hold came from outside the ledger (gateway
clearing → escrow, funded by its payer), a release went to the payee's wallet and a refund
to the payer's wallet, as they did then (no commission was taken on them)."""

import hashlib
import json

from django.db import migrations

SOURCES = {"hold": "clearing", "release": "escrow", "refund": "escrow"}


def _account(Account, cache, *, purpose, currency, owner_id=None, reference="", funded_by_id=None):
    key = (purpose, currency, owner_id, reference)
    if key not in cache:
        cache[key], _ = Account.objects.get_or_create(
            purpose=purpose,
            currency=currency,
            owner_id=owner_id,
            reference=reference,
            defaults={"funded_by_id": funded_by_id},
        )
    return cache[key]


def _post(Journal, Entry, movement, debit, credit):
    lines = [(debit, -movement.amount), (credit, movement.amount)]
    parts = sorted((account.pk, str(amount)) for account, amount in lines)
    kind = f"escrow.{movement.kind}.carried_over"
    journal = Journal.objects.create(
        idempotency_key=f"escrow-movement:{movement.pk}",
        kind=kind,
        memo=movement.memo,
        reference=movement.reference,
        fingerprint=hashlib.sha256(json.dumps([kind, parts]).encode()).hexdigest(),
    )
    for account, amount in lines:
        Entry.objects.create(
            journal=journal, account=account, amount=amount, currency=movement.currency
        )
        account.balance += amount
        account.save(update_fields=["balance"])


def carry_over(apps, schema_editor):
    Movement = apps.get_model("escrow", "EscrowMovement")
    Account = apps.get_model("ledger", "Account")
    Journal = apps.get_model("ledger", "Journal")
    Entry = apps.get_model("ledger", "Entry")
    cache = {}
    for movement in Movement.objects.order_by("created_at", "pk"):
        escrow = _account(
            Account,
            cache,
            purpose="escrow",
            currency=movement.currency,
            reference=movement.reference,
            funded_by_id=movement.party_id if movement.kind == "hold" else None,
        )
        if movement.kind == "hold":
            clearing = _account(
                Account, cache, purpose="gateway_clearing", currency=movement.currency
            )
            _post(Journal, Entry, movement, clearing, escrow)
        else:
            wallet = _account(
                Account, cache, purpose="wallet", currency=movement.currency,
                owner_id=movement.party_id,
            )
            _post(Journal, Entry, movement, escrow, wallet)


class Migration(migrations.Migration):
    dependencies = [
        ("escrow", "0001_initial"),
        ("ledger", "0003_funded_by_and_pending_funds"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="EscrowMovement"),
    ]
