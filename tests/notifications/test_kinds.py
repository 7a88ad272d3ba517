"""The registry of kinds: every kind renders in both languages and links somewhere real, and
an unknown kind is refused."""

import re

import pytest
from django.utils import translation

from jiedan.notifications.kinds import DEFAULTS, KINDS, Category, kind_get, kind_link, kind_text
from jiedan.notifications.models import Notification
from jiedan.notifications.services import notification_send

SAMPLE = {
    "actor_name": "Li Na",
    "contract_id": 3,
    "contract_title": "Tea shop website",
    "project_id": 4,
    "project_title": "Logo",
    "proposal_id": 5,
    "contest_id": 6,
    "contest_title": "Tea logo",
    "task_id": 7,
    "task_title": "Label photos",
    "place": 1,
    "saved_search_name": "Design",
    "amount": "10.00",
    "currency": "CNY",
    "reason": "blurred photo",
    "sender_name": "Wang",
    "preview": "Hello",
    "conversation_id": 8,
    "dispute_id": 9,
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_kind_has_a_text_and_a_link(kind, language):
    with translation.override(language):
        text = kind_text(kind, SAMPLE)
        link = kind_link(kind, SAMPLE)
    assert text and "%(" not in text
    assert link.startswith(f"/{language}/")


def test_every_text_placeholder_is_in_the_sample_data():
    for kind, spec in KINDS.items():
        for name in re.findall(r"%\((\w+)\)s", str(spec.text)):
            assert name in SAMPLE, (kind, name)


def test_every_category_has_a_default():
    assert set(DEFAULTS) == set(Category.values)
    assert {spec.category for spec in KINDS.values()} <= set(Category.values)


def test_an_unknown_kind_is_refused(db, user):
    with pytest.raises(LookupError):
        kind_get("contract.exploded")
    with pytest.raises(LookupError):
        notification_send(recipient_id=user.pk, kind="contract.exploded", data={})
    assert not Notification.objects.exists()
