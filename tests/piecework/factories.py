"""Factories for piece-rate tasks: a complete draft, and one published through the service so
its budget really is held in escrow."""

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiedan.piecework import services
from jiedan.piecework.models import PieceTask, Status
from tests.catalog.factories import CategoryFactory
from tests.factories import UserFactory
from tests.ledger.helpers import top_up


class PieceTaskFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to publish, with its budget in the client's wallet."""

    class Meta:
        model = PieceTask
        skip_postgeneration_save = True

    client = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Label 100 product photos {n}")
    instructions = "Tag each photo with its colour and product type."
    acceptance_criteria = "Both tags present and correct."
    category = factory.SubFactory(CategoryFactory)
    unit_price = Decimal("2.50")
    currency = "CNY"
    pieces_wanted = 4
    max_per_freelancer = 2
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    status = Status.DRAFT

    @factory.post_generation
    def funded(self, create, extracted, **kwargs):
        """The client's wallet holds the budget, unless ``funded=False`` is passed."""
        if create and extracted is not False and self.unit_price and self.pieces_wanted:
            top_up(self.client, self.unit_price * self.pieces_wanted, currency=self.currency)


def open_task(**kwargs) -> PieceTask:
    """A task published through ``task_publish``: open, with its budget held in escrow."""
    draft = PieceTaskFactory(**kwargs)
    return services.task_publish(client=draft.client, task_id=draft.pk)


def png_upload(name="piece.png", colour=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
