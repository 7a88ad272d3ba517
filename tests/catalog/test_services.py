"""Catalogue writes: service content rules, the status machine, orders and their seam."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from jiedan.catalog import services
from jiedan.catalog.models import (
    Level,
    OrderStatus,
    Service,
    ServiceOrder,
    ServiceOrderStatusChange,
    ServiceStatusChange,
    Status,
)
from jiedan.catalog.services import (
    ExtraDetails,
    FaqDetails,
    ServiceDetails,
    TierDetails,
)
from jiedan.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from tests.factories import UserFactory

from .factories import ExtraFactory, ServiceFactory, SkillFactory, TierFactory, published_service

pytestmark = pytest.mark.django_db


def tier(level="basic", price="300", days=5, revisions=1, features=("Logo",)):
    return TierDetails(
        level=level, price=price, delivery_days=days, revisions=revisions, features=list(features)
    )


def details(category, **overrides):
    values = {
        "title": "I will translate your website",
        "description": "English ↔ Chinese, by a native speaker.",
        "category_id": category.pk,
        "currency": "CNY",
        "tiers": [tier(), tier("standard", "500", 4), tier("premium", "900", 3)],
        "extras": [ExtraDetails(title="Express", price="120", days_saved=2)],
        "faqs": [FaqDetails(question="Which formats?", answer="Word, HTML, Markdown.")],
    }
    return ServiceDetails(**{**values, **overrides})


def snapshot(service):
    service.refresh_from_db()
    return (
        service.title,
        service.status,
        service.moderation_reason,
        sorted(service.tiers.values_list("level", "price", "delivery_days")),
        list(service.extras.values_list("title", "price")),
        list(service.faqs.values_list("question", flat=True)),
        service.status_changes.count(),
    )


def png_upload(size=(1200, 900), name="cover.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- content --------------------------------------------------------------------------------


def test_create_stores_a_draft_with_tiers_extras_and_faq(freelancer, category):
    # given two skills
    skills = SkillFactory.create_batch(2, category=category)
    # when the freelancer creates a service
    service = services.service_create(
        owner=freelancer, details=details(category, skill_ids=[s.pk for s in skills])
    )
    # then it is a draft with everything in order
    assert service.status == Status.DRAFT
    assert [t.level for t in service.tier_list] == [Level.BASIC, Level.STANDARD, Level.PREMIUM]
    assert service.tier_list[0].price == Decimal("300.00")
    assert service.tier_list[0].features == ["Logo"]
    assert list(service.extras.values_list("title", "days_saved")) == [("Express", 2)]
    assert service.faqs.get().question == "Which formats?"
    assert set(service.skills.all()) == set(skills)
    assert service.status_changes.count() == 0


@pytest.mark.parametrize(
    ("tiers", "code"),
    [
        ([tier("standard")], "tier_order"),
        ([tier(), tier("premium", "900")], "tier_order"),
        ([tier(), tier()], "bad_tier"),
        ([tier("gold")], "bad_tier"),
        ([tier(), tier("standard", "200")], "tier_price_order"),
        ([tier(price="0")], "amount_out_of_range"),
        ([tier(days=0)], "bad_delivery_days"),
        ([tier(revisions=99)], "bad_revisions"),
        ([tier(features=["x"] * 11)], "too_many_features"),
        ([tier(features=["x" * 81])], "feature_too_long"),
    ],
)
def test_tier_rules_refuse_bad_tiers_and_create_nothing(freelancer, category, tiers, code):
    # when a service is created with bad tiers
    with pytest.raises(InvalidInput) as error:
        services.service_create(owner=freelancer, details=details(category, tiers=tiers))
    # then the right rule is named and nothing is stored
    assert error.value.code == code
    assert not Service.objects.exists()


def test_prices_are_quantized_per_currency(freelancer, category):
    # when a yen service is priced with decimals
    service = services.service_create(
        owner=freelancer, details=details(category, currency="JPY", tiers=[tier(price="1000.4")])
    )
    # then the price is rounded to whole yen
    assert service.tier_list[0].price == Decimal("1000")


def test_draft_may_have_no_tiers_yet(freelancer):
    service = services.service_create(owner=freelancer, details=ServiceDetails(title="Idea"))
    assert service.tiers.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"extras": [ExtraDetails(title="x", price="10")] * 6}, "too_many_extras"),
        ({"extras": [ExtraDetails(title="x", price="-1")]}, "amount_out_of_range"),
        ({"faqs": [FaqDetails(question="q", answer="a")] * 11}, "too_many_faqs"),
        ({"skill_ids": [999999]}, "unknown_skill"),
        ({"category_id": 999999}, "unknown_category"),
        ({"currency": "XYZ"}, "unsupported_currency"),
        ({"title": "x" * 121}, "invalid_field"),
    ],
)
def test_content_rules(freelancer, category, overrides, code):
    with pytest.raises(InvalidInput) as error:
        services.service_create(owner=freelancer, details=details(category, **overrides))
    assert error.value.code == code
    assert not Service.objects.exists()


def test_update_replaces_tiers_extras_and_faq(freelancer, category):
    # given a service with three tiers
    service = services.service_create(owner=freelancer, details=details(category))
    # when the owner keeps only the basic tier and drops extras and FAQ
    services.service_update(
        owner=freelancer,
        service_id=service.pk,
        details=details(category, title="New", tiers=[tier(price="350")], extras=[], faqs=[]),
    )
    # then only that remains
    service.refresh_from_db()
    assert service.title == "New"
    assert list(service.tiers.values_list("level", "price")) == [("basic", Decimal("350.00"))]
    assert not service.extras.exists()
    assert not service.faqs.exists()


def test_stranger_cannot_update_and_nothing_changes(freelancer, category):
    # given someone else's service
    service = services.service_create(owner=freelancer, details=details(category))
    before = snapshot(service)
    # when a stranger updates it by id
    with pytest.raises(NotFound):
        services.service_update(
            owner=UserFactory(), service_id=service.pk, details=details(category, title="Mine")
        )
    # then it is unchanged
    assert snapshot(service) == before


def test_published_service_must_stay_complete(freelancer, category):
    service = published_service(owner=freelancer, category=category)
    before = snapshot(service)
    with pytest.raises(InvalidInput) as error:
        services.service_update(
            owner=freelancer, service_id=service.pk, details=details(category, tiers=[])
        )
    assert error.value.code == "service_incomplete"
    assert snapshot(service) == before


def test_cover_is_checked_and_stored_as_a_square_jpeg(freelancer, category):
    service = services.service_create(
        owner=freelancer, details=details(category), cover=png_upload()
    )
    with Image.open(service.cover) as picture:
        assert (picture.format, picture.size) == ("JPEG", (800, 800))


def test_a_fake_image_is_refused_and_nothing_is_created(freelancer, category):
    fake = SimpleUploadedFile("cover.png", b"not an image at all", content_type="image/png")
    with pytest.raises(InvalidInput) as error:
        services.service_create(owner=freelancer, details=details(category), cover=fake)
    assert error.value.code == "image_invalid"
    assert not Service.objects.exists()


# --- status machine -------------------------------------------------------------------------


def test_publishing_an_incomplete_service_is_refused(freelancer):
    # given a draft without a category, description or tiers
    service = ServiceFactory(owner=freelancer, category=None, description="")
    # when the owner publishes it
    with translation.override("en"), pytest.raises(InvalidInput) as error:
        services.service_publish(owner=freelancer, service_id=service.pk)
    # then it says what is missing and stays a draft without history
    assert error.value.code == "service_incomplete"
    assert "category" in str(error.value.message)
    service.refresh_from_db()
    assert service.status == Status.DRAFT
    assert not ServiceStatusChange.objects.exists()


def test_publish_pause_resume_write_history(freelancer):
    # given a complete draft
    service = ServiceFactory(owner=freelancer)
    TierFactory(service=service)
    # when the owner publishes, pauses and resumes
    services.service_publish(owner=freelancer, service_id=service.pk)
    services.service_pause(owner=freelancer, service_id=service.pk)
    services.service_publish(owner=freelancer, service_id=service.pk)
    # then each move is in the history, by the owner
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    assert service.published_at is not None
    moves = list(service.status_changes.values_list("actor", "from_status", "to_status"))
    assert moves == [
        (freelancer.pk, "draft", "published"),
        (freelancer.pk, "published", "paused"),
        (freelancer.pk, "paused", "published"),
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.DRAFT, "service_pause"),
        (Status.PAUSED, "service_pause"),
        (Status.PUBLISHED, "service_publish"),
    ],
)
def test_illegal_moves_are_refused_without_history(freelancer, status, action):
    service = published_service(owner=freelancer, status=status)
    with pytest.raises(Conflict) as error:
        getattr(services, action)(owner=freelancer, service_id=service.pk)
    assert error.value.code == "illegal_transition"
    service.refresh_from_db()
    assert service.status == status
    assert not service.status_changes.exists()


def test_guarded_transition_refuses_moves_missing_from_the_map(freelancer):
    service = ServiceFactory(owner=freelancer)
    with pytest.raises(Conflict):
        services.service_transition(service=service, to=Status.PAUSED, actor=freelancer)
    service.refresh_from_db()
    assert service.status == Status.DRAFT
    assert not service.status_changes.exists()


def test_stranger_cannot_publish_or_pause(freelancer):
    service = published_service(owner=freelancer)
    stranger = UserFactory()
    for action in (services.service_pause, services.service_publish):
        with pytest.raises(NotFound):
            action(owner=stranger, service_id=service.pk)
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    assert not service.status_changes.exists()


def test_only_moderators_unpublish(freelancer):
    # given a published service
    service = published_service(owner=freelancer)
    before = snapshot(service)
    # when its owner or a support agent tries to unpublish it
    for actor in (freelancer, UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            services.service_unpublish(moderator=actor, service_id=service.pk, reason="spam")
    # then nothing changed
    assert snapshot(service) == before


def test_moderator_must_give_a_reason(freelancer, moderator):
    service = published_service(owner=freelancer)
    before = snapshot(service)
    with pytest.raises(InvalidInput):
        services.service_unpublish(moderator=moderator, service_id=service.pk, reason="  ")
    assert snapshot(service) == before


def test_unpublished_service_can_be_published_again_only_after_an_edit(
    freelancer, moderator, category
):
    # given a service a moderator unpublished
    service = published_service(owner=freelancer, category=category)
    services.service_unpublish(
        moderator=moderator, service_id=service.pk, reason="Contact details in the title"
    )
    service.refresh_from_db()
    assert service.status == Status.UNPUBLISHED
    assert service.moderation_reason == "Contact details in the title"
    # when the owner publishes again without changing anything
    with pytest.raises(Conflict) as error:
        services.service_publish(owner=freelancer, service_id=service.pk)
    # then it is refused
    assert error.value.code == "moderation_unresolved"
    service.refresh_from_db()
    assert service.status == Status.UNPUBLISHED
    # when the owner edits it and publishes again
    services.service_update(
        owner=freelancer, service_id=service.pk, details=details(category, title="Clean title")
    )
    services.service_publish(owner=freelancer, service_id=service.pk)
    # then it is public again, the reason cleared, and the history tells the story
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    assert service.moderation_reason == ""
    moves = list(service.status_changes.values_list("actor", "to_status", "reason"))
    assert moves == [
        (moderator.pk, "unpublished", "Contact details in the title"),
        (freelancer.pk, "published", ""),
    ]


# --- orders ---------------------------------------------------------------------------------


def place(buyer, service, *, tier_level="basic", extra_ids=(), key="key-1", **kwargs):
    return services.service_order_place(
        buyer=buyer,
        service_id=service.pk,
        tier_level=tier_level,
        extra_ids=list(extra_ids),
        idempotency_key=key,
        **kwargs,
    )


def test_order_snapshots_tier_and_extras_with_total(buyer, service):
    # given two extras
    express = ExtraFactory(service=service, price=Decimal("100"), days_saved=2)
    revision = ExtraFactory(
        service=service,
        title="Extra revision",
        price=Decimal("50"),
        days_saved=0,
        extra_revisions=1,
    )
    # when the buyer orders the standard tier with both
    placed = place(buyer, service, tier_level="standard", extra_ids=[express.pk, revision.pk])
    # then the order keeps a copy of everything and the total
    order = placed.order
    assert placed.created is True
    assert order.status == OrderStatus.PLACED
    assert (order.buyer, order.seller) == (buyer, service.owner)
    assert (order.tier_level, order.tier_price) == ("standard", Decimal("500.00"))
    assert order.total == Decimal("650.00")
    assert order.currency == "CNY"
    assert order.delivery_days == 6 - 2
    assert order.revisions == 2 + 1
    assert order.features == ["Logo file", "Source file"]
    assert [extra["title"] for extra in order.extras] == ["Express delivery", "Extra revision"]
    assert order.contract_id is None
    # when the owner later changes the tier's price
    service.tiers.filter(level="standard").update(price=Decimal("999"))
    # then the order is unchanged
    order.refresh_from_db()
    assert order.tier_price == Decimal("500.00")


def test_delivery_never_drops_below_one_day(buyer, service):
    express = ExtraFactory(service=service, days_saved=30)
    assert place(buyer, service, extra_ids=[express.pk]).order.delivery_days == 1


def test_same_key_returns_the_first_order(buyer, service):
    first = place(buyer, service)
    again = place(buyer, service)
    assert again.created is False
    assert again.order.pk == first.order.pk
    assert ServiceOrder.objects.count() == 1


def test_same_key_for_another_request_is_a_conflict(buyer, service):
    place(buyer, service)
    with pytest.raises(Conflict) as error:
        place(buyer, service, tier_level="premium")
    assert error.value.code == "idempotency_key_reused"
    assert ServiceOrder.objects.count() == 1


def test_keys_are_per_buyer(buyer, service):
    place(buyer, service)
    other = place(UserFactory(), service)
    assert other.created is True
    assert ServiceOrder.objects.count() == 2


def test_replay_still_works_after_the_service_is_paused(buyer, service):
    first = place(buyer, service)
    services.service_pause(owner=service.owner, service_id=service.pk)
    assert place(buyer, service).order.pk == first.order.pk


def test_freelancer_cannot_order_own_service(freelancer, service):
    with pytest.raises(PermissionDenied) as error:
        place(freelancer, service)
    assert error.value.code == "own_service"
    assert not ServiceOrder.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PAUSED, Status.UNPUBLISHED])
def test_only_published_services_can_be_ordered(buyer, freelancer, status):
    service = published_service(owner=freelancer, status=status)
    with pytest.raises(Conflict) as error:
        place(buyer, service)
    assert error.value.code == "service_not_orderable"
    assert not ServiceOrder.objects.exists()


def test_service_of_a_deactivated_account_cannot_be_ordered(buyer, service):
    service.owner.is_active = False
    service.owner.save()
    with pytest.raises(Conflict):
        place(buyer, service)
    assert not ServiceOrder.objects.exists()


def test_anonymous_buyer_is_refused(service):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        place(AnonymousUser(), service)
    assert not ServiceOrder.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "error_class", "code"),
    [
        ({"tier_level": "gold"}, InvalidInput, "unknown_tier"),
        ({"key": ""}, InvalidInput, "bad_idempotency_key"),
        ({"key": "k" * 101}, InvalidInput, "bad_idempotency_key"),
        ({"expected_total": Decimal("1")}, Conflict, "price_changed"),
    ],
)
def test_bad_orders_are_refused(buyer, service, kwargs, error_class, code):
    with pytest.raises(error_class) as error:
        place(buyer, service, **kwargs)
    assert error.value.code == code
    assert not ServiceOrder.objects.exists()


def test_unknown_tier_of_a_one_tier_service(buyer, freelancer):
    service = published_service(owner=freelancer, tiers=1)
    with pytest.raises(InvalidInput):
        place(buyer, service, tier_level="premium")
    assert not ServiceOrder.objects.exists()


def test_extras_of_another_service_are_refused(buyer, service):
    foreign = ExtraFactory()
    with pytest.raises(InvalidInput) as error:
        place(buyer, service, extra_ids=[foreign.pk])
    assert error.value.code == "unknown_extra"
    assert not ServiceOrder.objects.exists()


def test_expected_total_matching_the_price_is_accepted(buyer, service):
    assert place(buyer, service, expected_total=Decimal("300")).created


def test_buyer_cancels_with_history(buyer, service):
    order = place(buyer, service).order
    services.service_order_cancel(actor=buyer, order_id=order.pk, reason="Changed my mind")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    change = ServiceOrderStatusChange.objects.get()
    assert (change.actor, change.from_status, change.to_status, change.reason) == (
        buyer,
        "placed",
        "cancelled",
        "Changed my mind",
    )
    # cancelling again changes nothing
    services.service_order_cancel(actor=buyer, order_id=order.pk)
    assert ServiceOrderStatusChange.objects.count() == 1


def test_stranger_cannot_cancel(buyer, service):
    order = place(buyer, service).order
    with pytest.raises(NotFound):
        services.service_order_cancel(actor=UserFactory(), order_id=order.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not ServiceOrderStatusChange.objects.exists()


def test_contract_seam_records_the_contract_once(buyer, service):
    # given a placed order
    order = place(buyer, service).order
    # when the contracts app attaches contract 42 (twice, as a retry would)
    services.service_order_contract_attach(order_id=order.pk, contract_id=42, actor=buyer)
    services.service_order_contract_attach(order_id=order.pk, contract_id=42, actor=buyer)
    # then the order is contracted once, with history
    order.refresh_from_db()
    assert (order.status, order.contract_id) == (OrderStatus.CONTRACTED, 42)
    assert order.status_changes.count() == 1
    # and another contract is refused
    with pytest.raises(Conflict):
        services.service_order_contract_attach(order_id=order.pk, contract_id=43, actor=buyer)
    order.refresh_from_db()
    assert order.contract_id == 42


def test_cancelled_order_cannot_become_a_contract(buyer, service):
    order = place(buyer, service).order
    services.service_order_cancel(actor=buyer, order_id=order.pk)
    with pytest.raises(Conflict):
        services.service_order_contract_attach(order_id=order.pk, contract_id=7, actor=buyer)
    order.refresh_from_db()
    assert (order.status, order.contract_id) == (OrderStatus.CANCELLED, None)
