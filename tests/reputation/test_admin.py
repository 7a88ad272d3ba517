"""The snapshots in the back office: read-only, for staff who see accounts."""

import pytest
from django.test import Client
from django.utils import timezone

from jiedan.reputation.models import FreelancerReputation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "sees"), [("support", True), ("mediator", False)])
def test_who_sees_the_snapshots(staff_factory, user, role, sees):
    FreelancerReputation.objects.create(user=user, computed_at=timezone.now())
    staff = staff_factory(role)
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/reputation/freelancerreputation/")
    assert response.status_code == (200 if sees else 403)
    assert not staff.has_perm("reputation.change_freelancerreputation")
