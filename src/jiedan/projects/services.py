"""Writes for projects: a client's drafts, publishing, closing, and the expiry job.

Rules that hold everywhere:

- Only the client who posted a project edits, publishes, cancels or closes it; for anyone else
  its id is "not found" and nothing changes.
- A project is edited only while it is a draft or open; an open project must stay complete.
- Bad input (an unknown category or skill, a budget that is not above zero or whose maximum is
  below its minimum, a deadline in the past, more than ``MAX_SCREENING_QUESTIONS`` questions,
  on-site work without a city and radius) is ``InvalidInput`` with a code; nothing is written.
- Status moves only along ``ALLOWED_TRANSITIONS`` through ``project_transition``, which writes
  a history row (who, when, from, to, why); an illegal move is a ``Conflict``.
- A project that ends without a hire (closed, expired or cancelled) gives its proposals back to
  their authors' monthly quota (``proposals.quota``).
- Publishing needs a complete project (see ``selectors.project_missing_for_publish``) and opens
  it for ``PUBLISH_DAYS`` days; ``projects_expire_overdue`` then closes it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from jiedan.core.geo import City, city_lookup
from jiedan.core.money import Currency, money_positive
from jiedan.core.uploads import upload_check
from jiedan.proposals.quota import quota_refund_on_project_end
from jiedan.search.services import search_document_put, search_document_remove
from jiedan.taxonomy.models import Category, Skill
from jiedan.trust.hooks import feature_ensure, risk_event

from .models import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    MAX_ATTACHMENTS,
    MAX_RADIUS_KM,
    MAX_SCREENING_QUESTIONS,
    MAX_SKILLS,
    PUBLISH_PERIOD,
    SCREENING_QUESTION_MAX_LENGTH,
    SEARCH_KIND,
    BudgetType,
    Duration,
    Project,
    ProjectAttachment,
    ProjectStatusChange,
    Status,
    Visibility,
    WorkMode,
)
from .selectors import project_missing_for_publish
from .signals import project_published

EXPIRED_REASON = "expired"
ENDED_WITHOUT_HIRE = (Status.CLOSED, Status.CANCELLED)


@dataclass(frozen=True)
class ProjectDetails:
    """Everything the client writes about a project; an update replaces all of it."""

    title: str
    description: str = ""
    category_id: int | None = None
    skill_ids: list[int] = field(default_factory=list)
    budget_type: str = BudgetType.FIXED
    budget_min: object = None  # Decimal or str; never a float
    budget_max: object = None
    currency: str = Currency.CNY
    deadline: date | None = None
    expected_duration: str = ""
    work_mode: str = WorkMode.REMOTE
    city: str = ""
    radius_km: int | None = None
    visibility: str = Visibility.PUBLIC
    screening_questions: list[str] = field(default_factory=list)


def _choice(value: str, choices, code: str, *, blank: bool = False) -> str:
    if (blank and value == "") or value in choices.values:
        return value
    raise InvalidInput(_("Choose a value from the list."), code=code)


def _skills(skill_ids: list[int]) -> list[Skill]:
    ordered = list(dict.fromkeys(skill_ids))
    if len(ordered) > MAX_SKILLS:
        raise InvalidInput(
            _("Choose at most %(count)s skills.") % {"count": MAX_SKILLS}, code="too_many_skills"
        )
    skills = Skill.objects.in_bulk(ordered)
    if len(skills) != len(ordered) or not all(skill.is_active for skill in skills.values()):
        raise InvalidInput(_("Choose skills from the list."), code="unknown_skill")
    return [skills[pk] for pk in ordered]


def _budget(details: ProjectDetails):
    """Both ends or neither; each above zero; the maximum not below the minimum."""
    if details.currency not in Currency.values:
        raise InvalidInput(_("Unsupported currency."), code="unsupported_currency")
    empty = (None, "")
    if details.budget_min in empty and details.budget_max in empty:
        return None, None
    if details.budget_min in empty or details.budget_max in empty:
        raise InvalidInput(_("Give both ends of the budget."), code="budget_incomplete")
    low = money_positive(details.budget_min, details.currency)
    high = money_positive(details.budget_max, details.currency)
    if high < low:
        raise InvalidInput(
            _("The maximum budget cannot be below the minimum."), code="budget_inverted"
        )
    return low, high


def _screening_questions(questions: list[str]) -> list[str]:
    cleaned = [text.strip() for text in questions if text and text.strip()]
    if len(cleaned) > MAX_SCREENING_QUESTIONS:
        raise InvalidInput(
            _("Ask at most %(count)s screening questions.") % {"count": MAX_SCREENING_QUESTIONS},
            code="too_many_questions",
        )
    if any(len(text) > SCREENING_QUESTION_MAX_LENGTH for text in cleaned):
        raise InvalidInput(
            _("Keep each question under %(count)s characters.")
            % {"count": SCREENING_QUESTION_MAX_LENGTH},
            code="question_too_long",
        )
    return cleaned


def _place(city: str) -> City | None:
    """The gazetteer city of on-site work (its centre is where distances are measured from);
    a name the gazetteer does not know is ``InvalidInput``."""
    if not city:
        return None
    place = city_lookup(city)
    if place is None:
        raise InvalidInput(
            _("The city “%(city)s” was not recognised. Enter a city in China, e.g. 杭州.")
            % {"city": city},
            code="unknown_city",
        )
    return place


def _apply_details(project: Project, details: ProjectDetails) -> Project:
    """Check everything first, then write the project and its skills."""
    title = details.title.strip()
    if not title:
        raise InvalidInput(_("Add a title."), code="title_required")
    if (
        details.category_id is not None
        and not Category.objects.filter(pk=details.category_id).exists()
    ):
        raise InvalidInput(_("Choose a category from the list."), code="unknown_category")
    skills = _skills(details.skill_ids)
    budget_min, budget_max = _budget(details)
    if details.deadline is not None and details.deadline < timezone.localdate():
        raise InvalidInput(_("The deadline is in the past."), code="deadline_past")
    work_mode = _choice(details.work_mode, WorkMode, "bad_work_mode")
    city, radius = details.city.strip(), details.radius_km
    if work_mode == WorkMode.LOCAL:
        if radius is not None and not 1 <= radius <= MAX_RADIUS_KM:
            raise InvalidInput(
                _("The radius is 1 to %(max)s km.") % {"max": MAX_RADIUS_KM}, code="bad_radius"
            )
    else:
        city, radius = "", None
    place = _place(city)
    project.title = title
    project.description = details.description.strip()
    project.category_id = details.category_id
    project.budget_type = _choice(details.budget_type, BudgetType, "bad_budget_type")
    project.budget_min, project.budget_max = budget_min, budget_max
    project.currency = details.currency
    project.deadline = details.deadline
    project.expected_duration = _choice(
        details.expected_duration, Duration, "bad_duration", blank=True
    )
    project.work_mode, project.city, project.radius_km = work_mode, city, radius
    project.latitude = place.latitude if place else None
    project.longitude = place.longitude if place else None
    project.visibility = _choice(details.visibility, Visibility, "bad_visibility")
    project.screening_questions = _screening_questions(details.screening_questions)
    try:
        project.full_clean(exclude=["client", "category", "skills", "status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code="invalid_project") from error
    project.save()
    project.skills.set(skills)
    return project


def _own_project(client, project_id: int) -> Project:
    """The client's project, locked for update; another person's id is ``NotFound``."""
    if not getattr(client, "is_authenticated", False):
        raise NotAuthenticated()
    project = Project.objects.select_for_update().filter(pk=project_id, client=client).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def _ensure_complete(project: Project) -> None:
    missing = project_missing_for_publish(project=project)
    if missing:
        raise InvalidInput(" ".join(str(text) for text in missing), code="project_incomplete")


@transaction.atomic
def project_transition(*, project: Project, to: str, actor, reason: str = "") -> Project:
    """The one way a project's status changes: along ``ALLOWED_TRANSITIONS``, with a history
    row. The caller passes a project it has locked (``select_for_update``)."""
    current = project.status
    if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("A project cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(to).label},
            code="illegal_transition",
        )
    ProjectStatusChange.objects.create(
        project=project, actor=actor, from_status=current, to_status=to, reason=reason
    )
    project.status = to
    project.save()
    if to in ENDED_WITHOUT_HIRE and current != Status.AWARDED:
        quota_refund_on_project_end(project=project, hired=False, now=timezone.now())
    _reindex_after_commit(project)
    return project


def project_search_sync(*, project_id: int) -> None:
    """Index an open public project with its texts and its category and skill names in both
    languages; take any other project out of the index."""
    project = (
        Project.objects.filter(pk=project_id, status=Status.OPEN, visibility=Visibility.PUBLIC)
        .select_related("category")
        .prefetch_related("skills")
        .first()
    )
    if project is None:
        search_document_remove(kind=SEARCH_KIND, object_id=project_id)
        return
    parts = [project.title, project.description, project.city]
    if project.category:
        parts += [project.category.name_zh, project.category.name_en]
    parts += [name for skill in project.skills.all() for name in (skill.name_zh, skill.name_en)]
    search_document_put(kind=SEARCH_KIND, object_id=project.pk, text="\n".join(parts))


def project_search_rebuild() -> int:
    """Index every project again; returns how many were looked at."""
    project_ids = list(Project.objects.values_list("pk", flat=True))
    for project_id in project_ids:
        project_search_sync(project_id=project_id)
    return len(project_ids)


def _reindex_after_commit(project: Project) -> None:
    project_id = project.pk
    transaction.on_commit(lambda: project_search_sync(project_id=project_id))


@transaction.atomic
def project_create(*, client, details: ProjectDetails) -> Project:
    """A new draft owned by ``client``; only the client sees it until it is published."""
    if not getattr(client, "is_authenticated", False):
        raise NotAuthenticated()
    return _apply_details(Project(client=client, status=Status.DRAFT), details)


@transaction.atomic
def project_update(*, client, project_id: int, details: ProjectDetails) -> Project:
    """Replace the project's content while it is a draft or open. Edits to an open project are
    live at once, so an open project must stay complete."""
    project = _own_project(client, project_id)
    if project.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("Only a draft or open project can be edited."), code="project_not_editable"
        )
    project = _apply_details(project, details)
    if project.status == Status.OPEN:
        _ensure_complete(project)  # raising rolls the edit back
    _reindex_after_commit(project)
    return project


@transaction.atomic
def project_publish(*, client, project_id: int, now: datetime | None = None) -> Project:
    """Open a complete draft to proposals for ``PUBLISH_DAYS`` days."""
    project = _own_project(client, project_id)
    if project.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="project_not_draft")
    _ensure_complete(project)
    feature_ensure(client, "post_projects")
    now = now or timezone.now()
    project.published_at = now
    project.expires_at = now + PUBLISH_PERIOD
    project = project_transition(project=project, to=Status.OPEN, actor=client)
    project_id = project.pk
    # After the search entry written by the transition's own commit hook.
    transaction.on_commit(
        lambda: project_published.send(sender=Project, project_id=project_id), robust=True
    )
    risk_event("project.published", client, {"project_id": project_id})
    return project


@transaction.atomic
def project_cancel(*, client, project_id: int, reason: str = "") -> Project:
    """Withdraw a project that has not been awarded (a draft, open or in review)."""
    project = _own_project(client, project_id)
    risk_event("project.cancelled", client, {"project_id": project.pk})
    return project_transition(
        project=project, to=Status.CANCELLED, actor=client, reason=reason.strip()
    )


@transaction.atomic
def project_close(*, client, project_id: int, reason: str = "") -> Project:
    """Stop taking proposals (open or in review), or finish an awarded project."""
    project = _own_project(client, project_id)
    risk_event("project.closed", client, {"project_id": project.pk})
    return project_transition(
        project=project, to=Status.CLOSED, actor=client, reason=reason.strip()
    )


@transaction.atomic
def projects_expire_overdue(*, now: datetime) -> int:
    """Close every open project whose ``expires_at`` has passed, with a history row (no actor,
    reason ``expired``). Idempotent: a closed project is no longer open, so running it again
    closes nothing more. Returns how many projects were closed."""
    overdue = list(
        Project.objects.select_for_update()
        .filter(status=Status.OPEN, expires_at__lte=now)
        .order_by("pk")
    )
    for project in overdue:
        project_transition(project=project, to=Status.CLOSED, actor=None, reason=EXPIRED_REASON)
    return len(overdue)


@transaction.atomic
def project_attachments_add(*, client, project_id: int, uploads) -> list[ProjectAttachment]:
    """Add files (images, PDF or ZIP, checked by content) to the client's draft or open
    project; at most ``MAX_ATTACHMENTS`` in all. Every file is checked before any is kept."""
    project = _own_project(client, project_id)
    if project.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("Only a draft or open project can be edited."), code="project_not_editable"
        )
    uploads = [upload for upload in uploads or [] if upload]
    if project.attachments.count() + len(uploads) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS},
            code="too_many_files",
        )
    checked = [(upload, upload_check(upload)) for upload in uploads]
    added = []
    for upload, facts in checked:
        record = ProjectAttachment(
            project=project,
            original_name=(upload.name or facts.stored_name())[:200],
            content_type=facts.content_type,
            size=facts.size,
            sha256=facts.sha256,
        )
        record.file.save(facts.stored_name(), upload, save=False)
        record.save()
        added.append(record)
    return added


@transaction.atomic
def project_attachment_remove(*, client, attachment_id: int) -> None:
    record = ProjectAttachment.objects.filter(pk=attachment_id, project__client=client).first()
    if record is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    project = _own_project(client, record.project_id)
    if project.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("Only a draft or open project can be edited."), code="project_not_editable"
        )
    stored = record.file
    record.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
