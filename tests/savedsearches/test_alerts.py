"""Alerts: a published project is checked against every saved search once, the owners hear
of it live and by e-mail (at once or in a daily digest), and nobody hears twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from jiedan.projects import services as project_services
from jiedan.savedsearches import services
from jiedan.savedsearches.models import SavedSearchMatch
from jiedan.savedsearches.tasks import alert_saved_searches, email_daily_digests
from tests.factories import UserFactory
from tests.projects.factories import CategoryFactory, ProjectFactory

from .helpers import publish, save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def alerted(search) -> list[int]:
    return list(search.matches.values_list("project_id", flat=True))


def test_publishing_alerts_the_matching_searches_only(django_capture_on_commit_callbacks):
    design = CategoryFactory()
    words = save(UserFactory(), query="企业网站")
    in_design = save(UserFactory(), category=design.slug, budget_type="fixed")
    hourly = save(UserFactory(), budget_type="hourly")
    elsewhere = save(UserFactory(), query="翻译")
    project = publish(
        django_capture_on_commit_callbacks, title="企业网站改版 Company website", category=design
    )
    assert alerted(words) == [project.pk]
    assert alerted(in_design) == [project.pk]
    assert alerted(hourly) == []
    assert alerted(elsewhere) == []


def test_nobody_is_alerted_of_their_own_project_or_an_invite_only_one(
    django_capture_on_commit_callbacks,
):
    client = UserFactory()
    own = save(client, query="logo")
    other = save(UserFactory(), query="logo")
    publish(django_capture_on_commit_callbacks, title="Logo design", client=client)
    publish(django_capture_on_commit_callbacks, title="Secret logo", visibility="invite_only")
    assert alerted(own) == []
    assert len(alerted(other)) == 1


def test_deactivated_people_are_not_alerted(django_capture_on_commit_callbacks):
    gone = UserFactory()
    search = save(gone, query="logo")
    gone.is_active = False
    gone.save()
    publish(django_capture_on_commit_callbacks, title="Logo design")
    assert alerted(search) == []


def test_running_the_job_again_alerts_nobody_twice(django_capture_on_commit_callbacks):
    search = save(UserFactory(), query="logo", email_alerts="instant")
    project = publish(django_capture_on_commit_callbacks, title="Logo design")
    assert alert_saved_searches.apply(args=[project.pk]).get() == 0
    assert SavedSearchMatch.objects.filter(saved_search=search).count() == 1
    assert len(mail.outbox) == 1


def test_a_project_no_longer_open_alerts_nobody():
    search = save(UserFactory(), query="logo")
    project = ProjectFactory(title="Logo design")  # still a draft
    assert services.saved_search_alerts_record(project_id=project.pk, now=timezone.now()) == []
    assert alerted(search) == []


def test_the_owner_hears_live(django_capture_on_commit_callbacks, listen):
    owner = UserFactory(language="en")
    search = save(owner, query="logo", name="Logos")
    events = listen(owner)
    project = publish(django_capture_on_commit_callbacks, title="Logo design")
    received = events()
    assert [event["event"] for event in received] == ["saved_search.match", "notification.new"]
    assert received[:1] == [
        {
            "event": "saved_search.match",
            "data": {
                "saved_search_id": search.pk,
                "saved_search_name": "Logos",
                "project_id": project.pk,
                "project_title": "Logo design",
                "url": f"/en/projects/{project.pk}/",
            },
        }
    ]


def test_instant_e_mail_goes_out_in_the_owners_language(django_capture_on_commit_callbacks):
    owner = UserFactory(language="zh-hans", email="li@example.com")
    save(owner, query="logo", name="标志", email_alerts="instant")
    save(UserFactory(), query="logo", email_alerts="daily")
    save(UserFactory(), query="logo", email_alerts="off")
    project = publish(django_capture_on_commit_callbacks, title="Logo design")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.com"]
    assert "新项目" in message.subject
    assert "标志" in message.body
    assert f"/zh-hans/projects/{project.pk}/" in message.body
    assert "/zh-hans/searches/" in message.body


def test_daily_digest_gathers_a_days_alerts_in_one_e_mail(django_capture_on_commit_callbacks):
    owner = UserFactory(language="en")
    save(owner, query="logo", name="Logos")
    save(owner, query="website", name="Websites")
    first = publish(django_capture_on_commit_callbacks, title="Logo design")
    second = publish(django_capture_on_commit_callbacks, title="Company website")
    assert mail.outbox == []  # nothing at once
    assert email_daily_digests.apply().get() == 2
    (digest,) = mail.outbox
    assert digest.subject == "2 new projects match your saved searches"
    assert "Logos" in digest.body and "Websites" in digest.body
    assert str(first.pk) in digest.body and str(second.pk) in digest.body
    # a day has not passed: a new alert waits for the next digest
    publish(django_capture_on_commit_callbacks, title="Logo for a bakery")
    assert email_daily_digests.apply().get() == 0
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert services.saved_search_emails_send(email_alerts="daily", now=later) == 1
    assert len(mail.outbox) == 2


def test_e_mail_leaves_out_projects_no_longer_open_and_old_alerts(
    django_capture_on_commit_callbacks,
):
    save(UserFactory(), query="logo")
    closed = publish(django_capture_on_commit_callbacks, title="Logo design")
    project_services.project_close(client=closed.client, project_id=closed.pk)
    publish(django_capture_on_commit_callbacks, title="Old logo job")
    assert services.saved_search_emails_send(email_alerts="daily", now=timezone.now()) == 1
    assert "Old logo job" in mail.outbox[0].body
    assert "Logo design" not in mail.outbox[0].body
    # an alert older than the window is never e-mailed
    publish(django_capture_on_commit_callbacks, title="Another logo")
    far = timezone.now() + services.EMAIL_WINDOW + timedelta(days=1)
    assert services.saved_search_emails_send(email_alerts="daily", now=far) == 0


def test_a_failed_send_keeps_the_alerts_for_the_next_run(
    django_capture_on_commit_callbacks, settings
):
    save(UserFactory(), query="logo")
    publish(django_capture_on_commit_callbacks, title="Logo design")
    settings.EMAIL_BACKEND = "tests.savedsearches.failing_mail.Backend"
    assert email_daily_digests.apply().get() == 0
    assert SavedSearchMatch.objects.filter(emailed_at__isnull=True).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_daily_digests.apply().get() == 1
    assert not SavedSearchMatch.objects.filter(emailed_at__isnull=True).exists()


def test_the_demo_projects_alert_the_demo_saved_searches(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    li = SavedSearchMatch.objects.filter(saved_search__owner__email__startswith="freelancer.li")
    assert li.filter(project__title="茶具品牌官网设计与开发（中英双语）").exists()
    emma = SavedSearchMatch.objects.filter(saved_search__owner__email__startswith="freelancer.emma")
    assert emma.filter(project__title__startswith="Logo refresh").exists()
    assert any("Logo refresh" in message.body for message in mail.outbox)
