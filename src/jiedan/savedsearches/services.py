"""Writes for saved searches: save, rename, change or stop e-mail, delete; record the alerts
when a project is published; send the alert e-mails.

Rules: at most ``MAX_SAVED_SEARCHES`` per person, each with at least one criterion (a search
for everything would alert on every project) and never the same criteria twice. A project
alerts only other people than its client, only while it is open and public, and at most once
per saved search. E-mail only tells of projects still open and matched within
``EMAIL_WINDOW``; older alerts stay listed on the site.
"""

import hashlib
import json
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from jiedan.core.links import absolute_url
from jiedan.notifications.realtime import user_events_push
from jiedan.notifications.services import notification_send
from jiedan.projects.models import Status as ProjectStatus
from jiedan.projects.models import Visibility
from jiedan.projects.selectors import (
    InvalidFilter,
    ProjectFacts,
    ProjectFilters,
    criteria_filters,
    filters_criteria,
    project_facts,
    project_matches,
    project_matches_text,
)
from jiedan.taxonomy.models import Category

from .models import (
    MAX_SAVED_SEARCHES,
    NAME_MAX_LENGTH,
    EmailAlerts,
    SavedSearch,
    SavedSearchMatch,
)

logger = logging.getLogger(__name__)

DIGEST_INTERVAL = timedelta(days=1)
EMAIL_WINDOW = timedelta(days=2)
LIVE_EVENT = "saved_search.match"


def _fingerprint(criteria: dict) -> str:
    return hashlib.sha256(json.dumps(criteria, sort_keys=True).encode()).hexdigest()


def _email_alerts(value: str) -> str:
    if value not in EmailAlerts.values:
        raise InvalidInput(_("Choose how often to be e-mailed."), code="bad_email_alerts")
    return value


def _default_name(filters: ProjectFilters) -> str:
    """The search words, else the category's name, else a generic name."""
    if filters.query:
        return filters.query
    category = Category.objects.filter(slug=filters.category).first()
    return category.name if category else str(_("My project search"))


def _name(name: str, filters: ProjectFilters) -> str:
    name = (name or "").strip() or _default_name(filters)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the name to %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            code="name_too_long",
        )
    return name


def _own(owner, saved_search_id: int) -> SavedSearch:
    saved_search = (
        SavedSearch.objects.select_for_update().filter(pk=saved_search_id, owner=owner).first()
    )
    if saved_search is None:
        raise NotFound(_("No such saved search."), code="saved_search_not_found")
    return saved_search


@transaction.atomic
def saved_search_create(
    *,
    owner,
    filters: ProjectFilters,
    name: str = "",
    email_alerts: str = EmailAlerts.DAILY,
) -> SavedSearch:
    """Save the criteria of ``filters`` (the order, page and "posted within" are not kept)."""
    if not getattr(owner, "is_authenticated", False):
        raise NotAuthenticated()
    criteria = filters_criteria(filters)
    if not criteria:
        raise InvalidInput(
            _("Enter search words or choose a filter before saving the search."),
            code="saved_search_empty",
        )
    email_alerts = _email_alerts(email_alerts)
    name = _name(name, filters)
    # The owner's row is locked so that two saves at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    fingerprint = _fingerprint(criteria)
    searches = SavedSearch.objects.filter(owner=owner)
    if searches.filter(fingerprint=fingerprint).exists():
        raise Conflict(_("You have already saved this search."), code="saved_search_exists")
    if searches.count() >= MAX_SAVED_SEARCHES:
        raise Conflict(
            _("You can keep up to %(max)s saved searches. Delete one to save another.")
            % {"max": MAX_SAVED_SEARCHES},
            code="saved_search_limit",
        )
    return SavedSearch.objects.create(
        owner=owner,
        name=name,
        criteria=criteria,
        fingerprint=fingerprint,
        category_slug=filters.category or "",
        budget_type=filters.budget_type or "",
        work_mode=filters.work_mode or "",
        email_alerts=email_alerts,
    )


@transaction.atomic
def saved_search_update(
    *, owner, saved_search_id: int, name: str | None = None, email_alerts: str | None = None
) -> SavedSearch:
    """Rename a saved search or change how often it e-mails (None leaves a field as it is)."""
    saved_search = _own(owner, saved_search_id)
    if email_alerts is not None:
        saved_search.email_alerts = _email_alerts(email_alerts)
    if name is not None:
        saved_search.name = _name(name, criteria_filters(saved_search.criteria))
    saved_search.save(update_fields=["name", "email_alerts"])
    return saved_search


@transaction.atomic
def saved_search_delete(*, owner, saved_search_id: int) -> None:
    """Delete a saved search and its alerts."""
    _own(owner, saved_search_id).delete()


def saved_search_mark_seen(*, owner, saved_search_id: int, now: datetime) -> int:
    """Mark every alert of the search as seen; returns how many were new."""
    return SavedSearchMatch.objects.filter(
        saved_search_id=saved_search_id, saved_search__owner=owner, seen_at__isnull=True
    ).update(seen_at=now)


# ---------------------------------------------------------------- alerts on publication


def _candidates(facts: ProjectFacts):
    """Saved searches of other active people whose category, budget type and place choice
    allow this project; the other criteria are checked one search at a time."""
    return (
        SavedSearch.objects.filter(
            Q(category_slug="") | Q(category_slug=facts.category_slug or ""),
            Q(budget_type="") | Q(budget_type=facts.budget_type),
            Q(work_mode="") | Q(work_mode=facts.work_mode),
            owner__is_active=True,
        )
        .exclude(owner_id=facts.client_id)
        .select_related("owner")
        .order_by("pk")
    )


def _matching_searches(facts: ProjectFacts, now: datetime) -> list[SavedSearch]:
    text_answers: dict[str, bool] = {}  # one index lookup per distinct query
    matching = []
    for saved_search in _candidates(facts).iterator(chunk_size=500):
        try:
            filters = criteria_filters(saved_search.criteria)
        except InvalidFilter:
            logger.warning("Saved search %s no longer has valid criteria", saved_search.pk)
            continue
        query = filters.query
        if query and query not in text_answers:
            text_answers[query] = project_matches_text(project_id=facts.project_id, query=query)
        if project_matches(
            filters=filters, facts=facts, now=now, text_matches=text_answers.get(query, False)
        ):
            matching.append(saved_search)
    return matching


def _alert_event(saved_search: SavedSearch, facts: ProjectFacts, paths: dict) -> tuple:
    """The live event for one alert; the project's path in the owner's language."""
    language = saved_search.owner.language or settings.LANGUAGE_CODE
    if language not in paths:
        with translation.override(language):
            paths[language] = reverse("projects:detail", args=[facts.project_id])
    data = {
        "saved_search_id": saved_search.pk,
        "saved_search_name": saved_search.name,
        "project_id": facts.project_id,
        "project_title": facts.title,
        "url": paths[language],
    }
    return (saved_search.owner_id, LIVE_EVENT, data)


@transaction.atomic
def saved_search_alerts_record(*, project_id: int, now: datetime) -> list[SavedSearchMatch]:
    """Record an alert on every saved search the project matches, and push each new one live
    to its owner and into their notification centre. Safe to run again: a search already
    alerted of the project is skipped. Returns the new alerts."""
    facts = project_facts(project_id=project_id)
    if facts is None:
        return []
    searches = _matching_searches(facts, now)
    already = set(
        SavedSearchMatch.objects.filter(
            project_id=project_id, saved_search__in=searches
        ).values_list("saved_search_id", flat=True)
    )
    fresh = [search for search in searches if search.pk not in already]
    created = SavedSearchMatch.objects.bulk_create(
        [
            SavedSearchMatch(saved_search=search, project_id=project_id, matched_at=now)
            for search in fresh
        ],
        ignore_conflicts=True,
    )
    paths = {}
    user_events_push([_alert_event(search, facts, paths) for search in fresh])
    for search in fresh:  # in-app only: the e-mail is the saved search's own
        notification_send(
            recipient_id=search.owner_id,
            kind=LIVE_EVENT,
            data={
                "saved_search_id": search.pk,
                "saved_search_name": search.name,
                "project_id": facts.project_id,
                "project_title": facts.title,
            },
        )
    return created


# ---------------------------------------------------------------- e-mail


def _unsent(now: datetime):
    return SavedSearchMatch.objects.filter(
        emailed_at__isnull=True,
        matched_at__gte=now - EMAIL_WINDOW,
        project__status=ProjectStatus.OPEN,
        project__visibility=Visibility.PUBLIC,
    )


def _due_searches(email_alerts: str, now: datetime):
    searches = SavedSearch.objects.filter(email_alerts=email_alerts, owner__is_active=True)
    if email_alerts == EmailAlerts.DAILY:
        searches = searches.filter(
            Q(last_emailed_at__isnull=True) | Q(last_emailed_at__lte=now - DIGEST_INTERVAL)
        )
    return searches


def _alert_email(owner, matches: list[SavedSearchMatch]) -> tuple[str, str]:
    """Subject and body, in the owner's language."""
    grouped = defaultdict(list)
    for match in matches:
        grouped[match.saved_search].append(match)
    language = owner.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = ngettext(
            "%(count)s new project matches your saved searches",
            "%(count)s new projects match your saved searches",
            len(matches),
        ) % {"count": len(matches)}
        body = render_to_string(
            "savedsearches/email/alerts.txt",
            {
                "owner": owner,
                "groups": [
                    {
                        "search": search,
                        "items": [
                            {
                                "project": match.project,
                                "url": absolute_url(
                                    "projects:detail", args=[match.project_id], language=language
                                ),
                            }
                            for match in group
                        ],
                    }
                    for search, group in grouped.items()
                ],
                "manage_url": absolute_url("savedsearches:list", language=language),
            },
        )
    return subject, body


@transaction.atomic
def _email_owner(owner, search_ids: list[int], now: datetime) -> int:
    """E-mail the owner the unsent alerts of these searches; returns how many were told of.
    Alerts are locked while sending (skipping those another worker holds), so two runs at once
    do not send the same alert twice."""
    matches = list(
        _unsent(now)
        .filter(saved_search_id__in=search_ids)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("saved_search", "project")
        .order_by("saved_search_id", "-matched_at", "-id")
    )
    if not matches:
        return 0
    subject, body = _alert_email(owner, matches)
    send_mail(subject, body, None, [owner.email])
    SavedSearchMatch.objects.filter(pk__in=[match.pk for match in matches]).update(emailed_at=now)
    SavedSearch.objects.filter(pk__in={match.saved_search_id for match in matches}).update(
        last_emailed_at=now
    )
    return len(matches)


def saved_search_emails_send(
    *, email_alerts: str, now: datetime, owner_ids: list[int] | None = None
) -> int:
    """Send one e-mail per person with the unsent alerts of their searches set to
    ``email_alerts`` (daily searches only once ``DIGEST_INTERVAL`` has passed since their last
    e-mail); ``owner_ids`` limits who is considered. Returns how many alerts were e-mailed.
    A failed send leaves that person's alerts unsent, for the next run."""
    searches = _due_searches(email_alerts, now).filter(
        pk__in=_unsent(now).values("saved_search_id")
    )
    if owner_ids is not None:
        searches = searches.filter(owner_id__in=owner_ids)
    by_owner = defaultdict(list)
    owners = {}
    for search in searches.select_related("owner").order_by("owner_id", "pk"):
        by_owner[search.owner_id].append(search.pk)
        owners[search.owner_id] = search.owner
    sent = 0
    for owner_id, search_ids in by_owner.items():
        try:
            sent += _email_owner(owners[owner_id], search_ids, now)
        except Exception:  # one bad address must not stop everyone else's e-mail
            logger.exception("Could not e-mail saved-search alerts to user %s", owner_id)
    return sent
