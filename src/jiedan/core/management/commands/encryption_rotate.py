"""``manage.py encryption_rotate``: re-encrypt every encrypted field with the newest key.

Rotation: put the new key first in ``FIELD_ENCRYPTION_KEYS`` (keep the old ones after it),
deploy, run this command, then drop the old keys. Each value is rewritten with a single-row
``UPDATE`` (no ``save()``, so no model side effects run) that only applies if the stored value
is still the one read, so a row changed meanwhile keeps its newer value (run again to finish).
Rows are read in batches, by primary key.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from jiedan.core import crypto
from jiedan.core.crypto import EncryptedTextField

BATCH_SIZE = 500


def _rewrite(stored: str) -> str:
    """The value encrypted with the newest key (a stray plain value gets encrypted)."""
    if stored.startswith(crypto.PREFIX):
        return crypto.rotate(stored)
    return crypto.encrypt(stored)


class Command(BaseCommand):
    help = "Re-encrypt every EncryptedTextField value with the newest key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, EncryptedTextField):
                    count = self._rotate(model, field.name, batch_size)
                    total += count
                    self.stdout.write(f"{model._meta.label}.{field.name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} values"))

    def _rotate(self, model, name: str, batch_size: int) -> int:
        manager = model._base_manager
        raw = Cast(F(name), output_field=TextField())  # the stored text, not decrypted
        rows = (
            manager.exclude(**{f"{name}__isnull": True})
            .annotate(stored=raw)
            .exclude(stored="")
            .order_by("pk")
            .values_list("pk", "stored")
        )
        count = 0
        for pk, stored in rows.iterator(chunk_size=batch_size):
            fresh = Value(_rewrite(stored), output_field=TextField())
            count += manager.filter(Exact(raw, stored), pk=pk).update(**{name: fresh})
        return count
