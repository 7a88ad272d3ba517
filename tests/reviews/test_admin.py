"""Back office: moderators see reported reviews and keep them or hide them with a reason;
other roles never see the queue; private answers appear on no screen."""

import pytest
from django.test import Client

from jiedan.reviews.models import ReportStatus, Review, ReviewReport
from jiedan.reviews.services import review_report

from .factories import both_reviewed

pytestmark = pytest.mark.django_db

QUEUE = "/admin/reviews/reviewreport/"


def staff_client(staff) -> Client:
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(staff)
    return web


@pytest.fixture
def reported():
    by_client, _ = both_reviewed()
    Review.objects.filter(pk=by_client.pk).update(private_feedback="Only for the platform")
    return review_report(reporter=by_client.subject, review_id=by_client.pk, reason="Insulting")


def test_moderators_hide_a_reported_review_with_a_reason(reported, staff_factory):
    web = staff_client(staff_factory("moderator"))
    listing = web.get(QUEUE)
    assert listing.status_code == 200 and "Insulting" in listing.content.decode()
    page = web.get(f"{QUEUE}{reported.pk}/change/").content.decode()
    assert reported.review.text in page and "Only for the platform" not in page
    review_page = web.get(f"/admin/reviews/review/{reported.review_id}/change/")
    assert "Only for the platform" not in review_page.content.decode()
    # the action first asks for the reason
    asked = web.post(QUEUE, {"action": "hide_reviews", "_selected_action": [reported.pk]})
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    reported.refresh_from_db()
    assert reported.status == ReportStatus.OPEN
    # then hides with it
    done = web.post(
        QUEUE,
        {
            "action": "hide_reviews",
            "_selected_action": [reported.pk],
            "apply": "1",
            "reason": "Insults are not allowed",
        },
    )
    assert done.status_code == 302
    reported.refresh_from_db()
    review = reported.review
    assert reported.status == ReportStatus.HIDDEN
    assert review.hidden_reason == "Insults are not allowed" and review.hidden_at is not None


def test_moderators_keep_a_reported_review(reported, staff_factory):
    web = staff_client(staff_factory("moderator"))
    web.post(QUEUE, {"action": "keep_reviews", "_selected_action": [reported.pk]})
    reported.refresh_from_db()
    assert reported.status == ReportStatus.KEPT and reported.review.is_public


@pytest.mark.parametrize("role", ["finance", "support", "mediator"])
def test_other_roles_cannot_see_the_queue(reported, staff_factory, role):
    web = staff_client(staff_factory(role))
    assert web.get(QUEUE).status_code == 403
    refused = web.post(
        QUEUE,
        {"action": "hide_reviews", "_selected_action": [reported.pk], "apply": "1", "reason": "x"},
    )
    assert refused.status_code == 403
    assert ReviewReport.objects.get().status == ReportStatus.OPEN
    assert Review.objects.get(pk=reported.review_id).hidden_at is None
