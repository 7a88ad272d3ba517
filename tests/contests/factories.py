"""Factories for contests. Published contests and entries go through the real services, so the
escrow hold and the stored files are real."""

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiedan.contests import services
from jiedan.contests.models import Contest, ContestPrize, Entry, Status
from tests.catalog.factories import CategoryFactory, SkillFactory  # noqa: F401
from tests.factories import UserFactory
from tests.ledger.helpers import top_up

PRIZES = (Decimal("1000.00"), Decimal("500.00"))


def image_upload(name="entry.png", size=(900, 600), color=(30, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="brief.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


class ContestFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to publish: two places (1000 and 500 CNY), deadline in 7 days,
    and the prize money in the client's wallet. Pass ``prizes=[...]`` for other places."""

    class Meta:
        model = Contest
        skip_postgeneration_save = True

    client = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Logo for a tea shop {n}")
    brief = "A round logo in red and gold, with the shop name 茶香 in Chinese and English."
    category = factory.SubFactory(CategoryFactory)
    currency = "CNY"
    entry_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    status = Status.DRAFT

    @factory.post_generation
    def prizes(self, create, extracted, **kwargs):
        if create:
            amounts = PRIZES if extracted is None else extracted
            for place, amount in enumerate(amounts, start=1):
                ContestPrize.objects.create(contest=self, place=place, amount=Decimal(amount))

    @factory.post_generation
    def funded(self, create, extracted, **kwargs):
        """The client's wallet holds the total prize, unless ``funded=False`` is passed."""
        if create and extracted is not False:
            total = sum(prize.amount for prize in self.prizes.all())
            if total:
                top_up(self.client, total, currency=self.currency)


def open_contest(*, now=None, **kwargs) -> Contest:
    """A published contest: its prizes are held in escrow."""
    contest = ContestFactory(**kwargs)
    return services.contest_publish(client=contest.client, contest_id=contest.pk, now=now)


def submit(contest: Contest, author=None, *, files=None, now=None, title="My entry") -> Entry:
    """An entry by ``author`` (a new freelancer by default) with one image."""
    return services.entry_submit(
        author=author or UserFactory(),
        contest_id=contest.pk,
        title=title,
        note="Two colour variants inside.",
        uploads=files or [image_upload()],
        now=now,
    )


def judging_contest(*, entries=2, **kwargs) -> tuple[Contest, list[Entry]]:
    """A contest past its deadline with ``entries`` valid entries, now judging."""
    contest = open_contest(**kwargs)
    submitted = [submit(contest) for _ in range(entries)]
    services.contest_deadline_pass(contest_id=contest.pk, now=contest.entry_deadline)
    contest.refresh_from_db()
    return contest, submitted
