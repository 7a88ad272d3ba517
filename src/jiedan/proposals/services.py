"""Writes for proposals and invitations.

Rules that hold everywhere:

- A freelancer proposes on an open project they can see (public, or invite-only and invited),
  never on their own, at most once while the proposal stands (after withdrawing they may
  propose again), and within the monthly quota unless invited (see ``quota.py``).
- The freelancer edits a proposal only until the client has opened it, and may withdraw it
  while it is submitted or shortlisted.
- Only the project's client reads, shortlists, declines or hires its proposals; for anyone else
  the proposal is "not found" and nothing changes.
- Status moves only along ``ALLOWED_TRANSITIONS`` through ``proposal_transition``, which writes
  the history row.
- Bad input (a cover letter that is too short, a price that is not above zero, milestones that
  do not add up to the price, unanswered screening questions, wrong files) is ``InvalidInput``
  with a code, checked before anything is written.
- Locks are always taken in one order: the freelancer's user row, then the project, then its
  proposals by primary key; state is re-checked after locking.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from jiedan.core.money import money_positive
from jiedan.core.uploads import upload_check
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send
from jiedan.projects.models import Project, Visibility
from jiedan.projects.models import Status as ProjectStatus
from jiedan.projects.services import project_transition
from jiedan.trust.hooks import feature_ensure, risk_event

from .models import (
    ACTIVE_STATUSES,
    ALLOWED_TRANSITIONS,
    ANSWER_MAX_LENGTH,
    COVER_LETTER_MAX_LENGTH,
    COVER_LETTER_MIN_LENGTH,
    DECLINE_NOTE_MAX_LENGTH,
    MAX_ATTACHMENTS,
    MAX_DELIVERY_DAYS,
    MAX_INVITATIONS_PER_PROJECT,
    MAX_MILESTONES,
    TIER_ORDER,
    DeclineReason,
    Invitation,
    InvitationStatus,
    Proposal,
    ProposalAttachment,
    ProposalMilestone,
    ProposalOption,
    ProposalStatusChange,
    Status,
    Tier,
)
from .quota import quota_refund_on_project_end, quota_status

HIREABLE_PROJECT_STATUSES = (ProjectStatus.OPEN, ProjectStatus.IN_REVIEW)


@dataclass(frozen=True)
class OptionDetails:
    tier: str
    summary: str
    amount: object  # Decimal or str; never a float
    delivery_days: int


@dataclass(frozen=True)
class MilestoneDetails:
    title: str
    amount: object
    due_in_days: int


@dataclass(frozen=True)
class ProposalDetails:
    """Everything the freelancer writes; an edit replaces all of it."""

    cover_letter: str
    amount: object
    delivery_days: int
    answers: list[str] = field(default_factory=list)
    options: list[OptionDetails] = field(default_factory=list)
    milestones: list[MilestoneDetails] = field(default_factory=list)


@dataclass(frozen=True)
class _Checked:
    cover_letter: str
    amount: Decimal
    delivery_days: int
    answers: list[dict]
    options: list[ProposalOption]
    milestones: list[ProposalMilestone]


# --- checking input -------------------------------------------------------------------------


def _days(value, code: str) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DELIVERY_DAYS:
        raise InvalidInput(
            _("Give a number of days from 1 to %(max)s.") % {"max": MAX_DELIVERY_DAYS}, code=code
        )
    return days


def _cover_letter(text: str) -> str:
    text = (text or "").strip()
    if len(text) < COVER_LETTER_MIN_LENGTH:
        raise InvalidInput(
            _("Write at least %(count)s characters to the client.")
            % {"count": COVER_LETTER_MIN_LENGTH},
            code="cover_letter_short",
        )
    if len(text) > COVER_LETTER_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the cover letter under %(count)s characters.")
            % {"count": COVER_LETTER_MAX_LENGTH},
            code="cover_letter_long",
        )
    return text


def _answers(project: Project, answers: list[str]) -> list[dict]:
    questions = project.screening_questions
    given = [(text or "").strip() for text in answers] + [""] * len(questions)
    pairs = [{"question": q, "answer": a} for q, a in zip(questions, given, strict=False)]
    if any(not pair["answer"] for pair in pairs):
        raise InvalidInput(
            _("Answer every screening question of the client."), code="answers_missing"
        )
    if any(len(pair["answer"]) > ANSWER_MAX_LENGTH for pair in pairs):
        raise InvalidInput(
            _("Keep each answer under %(count)s characters.") % {"count": ANSWER_MAX_LENGTH},
            code="answer_too_long",
        )
    return pairs


def _options(project: Project, options: list[OptionDetails]) -> list[ProposalOption]:
    """None, or two or three distinct tiers whose prices rise from basic to premium."""
    if not options:
        return []
    if project.budget_type != "fixed":
        raise InvalidInput(
            _("Tiered options are for fixed-price projects."), code="options_not_fixed"
        )
    tiers = [option.tier for option in options]
    if len(options) < 2 or len(set(tiers)) != len(tiers) or not set(tiers) <= set(Tier.values):
        raise InvalidInput(
            _("Offer two or three different tiers (basic, standard, premium)."),
            code="options_invalid",
        )
    built = []
    for option in sorted(options, key=lambda o: TIER_ORDER[o.tier]):
        summary = (option.summary or "").strip()
        if not summary:
            raise InvalidInput(_("Say what each option includes."), code="option_summary")
        built.append(
            ProposalOption(
                tier=option.tier,
                summary=summary[:300],
                amount=money_positive(option.amount, project.currency),
                delivery_days=_days(option.delivery_days, "option_days"),
            )
        )
    amounts = [option.amount for option in built]
    if amounts != sorted(amounts) or len(set(amounts)) != len(amounts):
        raise InvalidInput(
            _("Each higher tier should cost more than the one below it."),
            code="options_not_ascending",
        )
    return built


def _milestones(
    project: Project, milestones: list[MilestoneDetails], *, amount: Decimal, delivery_days: int
) -> list[ProposalMilestone]:
    """None, or up to ``MAX_MILESTONES`` steps that add up to the price, due in order and
    within the delivery time."""
    if not milestones:
        return []
    if project.budget_type != "fixed":
        raise InvalidInput(
            _("A milestone plan is for fixed-price projects."), code="milestones_not_fixed"
        )
    if len(milestones) > MAX_MILESTONES:
        raise InvalidInput(
            _("Plan at most %(count)s milestones.") % {"count": MAX_MILESTONES},
            code="too_many_milestones",
        )
    built = []
    for position, step in enumerate(milestones, start=1):
        title = (step.title or "").strip()
        if not title:
            raise InvalidInput(_("Name what each milestone delivers."), code="milestone_title")
        built.append(
            ProposalMilestone(
                position=position,
                title=title[:200],
                amount=money_positive(step.amount, project.currency),
                due_in_days=_days(step.due_in_days, "milestone_days"),
            )
        )
    if sum(step.amount for step in built) != amount:
        raise InvalidInput(
            _("The milestones must add up to the price of the proposal."), code="milestones_sum"
        )
    dues = [step.due_in_days for step in built]
    if dues != sorted(dues) or dues[-1] > delivery_days:
        raise InvalidInput(
            _("Milestones must fall due in order and within the delivery time."),
            code="milestone_due",
        )
    return built


def _checked(project: Project, details: ProposalDetails) -> _Checked:
    amount = money_positive(details.amount, project.currency)
    delivery_days = _days(details.delivery_days, "delivery_days")
    return _Checked(
        cover_letter=_cover_letter(details.cover_letter),
        amount=amount,
        delivery_days=delivery_days,
        answers=_answers(project, details.answers),
        options=_options(project, details.options),
        milestones=_milestones(
            project, details.milestones, amount=amount, delivery_days=delivery_days
        ),
    )


def _checked_uploads(uploads, *, already: int = 0):
    uploads = [upload for upload in uploads or [] if upload]
    if already + len(uploads) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS},
            code="too_many_files",
        )
    return [(upload, upload_check(upload)) for upload in uploads]


# --- writing ---------------------------------------------------------------------------------


def _write(proposal: Proposal, checked: _Checked) -> Proposal:
    proposal.cover_letter = checked.cover_letter
    proposal.amount = checked.amount
    proposal.delivery_days = checked.delivery_days
    proposal.answers = checked.answers
    proposal.save()
    proposal.options.all().delete()
    proposal.milestones.all().delete()
    for option in checked.options:
        option.proposal = proposal
    for step in checked.milestones:
        step.proposal = proposal
    ProposalOption.objects.bulk_create(checked.options)
    ProposalMilestone.objects.bulk_create(checked.milestones)
    return proposal


def _store_attachments(proposal: Proposal, checked_uploads) -> None:
    for upload, checked in checked_uploads:
        record = ProposalAttachment(
            proposal=proposal,
            original_name=(upload.name or checked.stored_name())[:200],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        record.file.save(checked.stored_name(), upload, save=False)
        record.save()


def _lock_user(user):
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _project_for_proposal(freelancer, project_id: int) -> tuple[Project, Invitation | None]:
    """The project, locked, if the freelancer may see it; its invitation if any."""
    project = (
        Project.objects.select_for_update()
        .filter(pk=project_id, client__is_active=True)
        .exclude(status=ProjectStatus.DRAFT)
        .first()
    )
    invitation = (
        Invitation.objects.filter(project_id=project_id, freelancer=freelancer).first()
        if project
        else None
    )
    if project is None or (project.visibility != Visibility.PUBLIC and invitation is None):
        raise NotFound(_("No such project."), code="project_not_found")
    return project, invitation


@transaction.atomic
def proposal_transition(*, proposal: Proposal, to: str, actor, reason: str = "") -> Proposal:
    """The one way a proposal's status changes: along ``ALLOWED_TRANSITIONS``, with a history
    row. The caller passes a proposal it has locked."""
    current = proposal.status
    if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("A proposal cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(to).label},
            code="illegal_transition",
        )
    ProposalStatusChange.objects.create(
        proposal=proposal, actor=actor, from_status=current, to_status=to, reason=reason
    )
    proposal.status = to
    proposal.save()
    return proposal


@transaction.atomic
def proposal_submit(
    *, freelancer, project_id: int, details: ProposalDetails, attachments=(), now=None
) -> Proposal:
    """Send a proposal on an open project. Charged to the monthly quota unless invited."""
    now = now or timezone.now()
    freelancer = _lock_user(freelancer)
    feature_ensure(freelancer, "send_proposals")
    project, invitation = _project_for_proposal(freelancer, project_id)
    if project.client_id == freelancer.pk:
        raise Conflict(_("You cannot propose on your own project."), code="own_project")
    if project.status != ProjectStatus.OPEN:
        raise Conflict(_("This project is not taking proposals."), code="project_not_open")
    if (
        Proposal.objects.filter(project=project, freelancer=freelancer)
        .exclude(status=Status.WITHDRAWN)
        .exists()
    ):
        raise Conflict(
            _("You already sent a proposal on this project. Edit it instead."),
            code="proposal_exists",
        )
    invited = invitation is not None
    if not invited:
        quota = quota_status(freelancer=freelancer, now=now)
        if quota.remaining <= 0:
            raise Conflict(
                _("You have used this month's %(count)s proposals. More on %(date)s.")
                % {"count": quota.allowance, "date": date_format(quota.resets_on)},
                code="quota_exhausted",
            )
    checked = _checked(project, details)
    uploads = _checked_uploads(attachments)
    proposal = Proposal(
        project=project,
        freelancer=freelancer,
        currency=project.currency,
        invited=invited,
        quota_charged_at=None if invited else now,
    )
    try:
        with transaction.atomic():
            _write(proposal, checked)
    except IntegrityError as error:  # a concurrent submit won the race
        raise Conflict(
            _("You already sent a proposal on this project. Edit it instead."),
            code="proposal_exists",
        ) from error
    _store_attachments(proposal, uploads)
    if invitation is not None and invitation.status == InvitationStatus.PENDING:
        invitation.status, invitation.responded_at = InvitationStatus.ACCEPTED, now
        invitation.save(update_fields=["status", "responded_at"])
    user_event_push(
        user_id=project.client_id,
        event="proposal.submitted",
        data={"project_id": project.pk, "proposal_id": proposal.pk},
    )
    notification_send(
        recipient_id=project.client_id,
        kind="proposal.submitted",
        data={"project_id": project.pk, "proposal_id": proposal.pk, "project_title": project.title},
        actor=freelancer,
    )
    risk_event("proposal.submitted", freelancer, {"proposal_id": proposal.pk})
    return proposal


def _own_proposal(freelancer, proposal_id: int) -> Proposal:
    """The freelancer's proposal, locked; another person's id is ``NotFound``."""
    freelancer = _lock_user(freelancer)
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("project")
        .filter(pk=proposal_id, freelancer=freelancer)
        .first()
    )
    if proposal is None:
        raise NotFound(_("No such proposal."), code="proposal_not_found")
    return proposal


def _ensure_editable(proposal: Proposal) -> None:
    if not proposal.is_editable:
        raise Conflict(
            _("The client has already read this proposal; it can no longer be changed."),
            code="proposal_locked",
        )
    if proposal.project.status != ProjectStatus.OPEN:
        raise Conflict(_("This project is not taking proposals."), code="project_not_open")


@transaction.atomic
def proposal_update(*, freelancer, proposal_id: int, details: ProposalDetails) -> Proposal:
    """Replace the proposal's content, as long as the client has not opened it."""
    proposal = _own_proposal(freelancer, proposal_id)
    _ensure_editable(proposal)
    return _write(proposal, _checked(proposal.project, details))


@transaction.atomic
def proposal_attachments_add(*, freelancer, proposal_id: int, uploads) -> list:
    """Add files to a proposal the client has not opened yet."""
    proposal = _own_proposal(freelancer, proposal_id)
    _ensure_editable(proposal)
    checked = _checked_uploads(uploads, already=proposal.attachments.count())
    _store_attachments(proposal, checked)
    return list(proposal.attachments.all())


@transaction.atomic
def proposal_attachment_remove(*, freelancer, attachment_id: int) -> None:
    record = ProposalAttachment.objects.filter(
        pk=attachment_id, proposal__freelancer=freelancer
    ).first()
    if record is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    _ensure_editable(_own_proposal(freelancer, record.proposal_id))
    stored = record.file
    record.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def proposal_withdraw(*, freelancer, proposal_id: int, reason: str = "") -> Proposal:
    """Take a submitted or shortlisted proposal back. The quota is not refunded."""
    proposal = _own_proposal(freelancer, proposal_id)
    return proposal_transition(
        proposal=proposal, to=Status.WITHDRAWN, actor=proposal.freelancer, reason=reason.strip()
    )


# --- the client's side ----------------------------------------------------------------------


def _client_proposal(client, proposal_id: int) -> Proposal:
    """A proposal on one of the client's projects, with the project locked first."""
    if not getattr(client, "is_authenticated", False):
        raise NotAuthenticated()
    project_id = (
        Proposal.objects.filter(pk=proposal_id, project__client=client)
        .values_list("project_id", flat=True)
        .first()
    )
    if project_id is None:
        raise NotFound(_("No such proposal."), code="proposal_not_found")
    project = Project.objects.select_for_update().get(pk=project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    proposal.project = project
    return proposal


def _mark_viewed(proposal: Proposal, now: datetime) -> None:
    if proposal.viewed_at is None:
        proposal.viewed_at = now
        proposal.save(update_fields=["viewed_at", "updated_at"])


@transaction.atomic
def proposal_mark_viewed(*, client, proposal_id: int, now=None) -> Proposal:
    """The client opened the proposal: from now on the freelancer cannot edit it, and it is no
    longer refunded to the quota when someone else is hired."""
    proposal = _client_proposal(client, proposal_id)
    _mark_viewed(proposal, now or timezone.now())
    return proposal


@transaction.atomic
def proposal_shortlist(*, client, proposal_id: int, now=None) -> Proposal:
    proposal = _client_proposal(client, proposal_id)
    _mark_viewed(proposal, now or timezone.now())
    return proposal_transition(proposal=proposal, to=Status.SHORTLISTED, actor=client)


@transaction.atomic
def proposal_unshortlist(*, client, proposal_id: int) -> Proposal:
    proposal = _client_proposal(client, proposal_id)
    if proposal.status != Status.SHORTLISTED:
        raise Conflict(_("This proposal is not on the shortlist."), code="not_shortlisted")
    return proposal_transition(proposal=proposal, to=Status.SUBMITTED, actor=client)


@transaction.atomic
def proposal_decline(
    *, client, proposal_id: int, reason: str = "", note: str = "", now=None
) -> Proposal:
    """Decline with an optional reason from the list and a short note the freelancer sees."""
    if reason and reason not in DeclineReason.values:
        raise InvalidInput(_("Choose a value from the list."), code="bad_decline_reason")
    note = (note or "").strip()
    if len(note) > DECLINE_NOTE_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the note under %(count)s characters.") % {"count": DECLINE_NOTE_MAX_LENGTH},
            code="note_too_long",
        )
    proposal = _client_proposal(client, proposal_id)
    _mark_viewed(proposal, now or timezone.now())
    proposal.decline_reason, proposal.decline_note = reason, note
    proposal_transition(proposal=proposal, to=Status.DECLINED, actor=client, reason=reason)
    user_event_push(
        user_id=proposal.freelancer_id,
        event="proposal.declined",
        data={"proposal_id": proposal.pk, "project_id": proposal.project_id},
    )
    notification_send(
        recipient_id=proposal.freelancer_id,
        kind="proposal.declined",
        data={
            "proposal_id": proposal.pk,
            "project_id": proposal.project_id,
            "project_title": proposal.project.title,
        },
        actor=client,
    )
    return proposal


@transaction.atomic
def proposal_hire(*, client, proposal_id: int, option_id: int | None = None, now=None) -> Proposal:
    """Hire the freelancer of an active proposal on an open or in-review project.

    The proposal becomes ``hired`` (with the option the client chose, when it offers tiers),
    the project ``awarded``, every other active proposal on it is declined ("another freelancer
    was hired"), and proposals the client never opened are refunded to their authors' quota.
    The contracts app takes it from here: ``selectors.hire_terms`` gives the terms a contract
    offer starts from (price or chosen option, milestone plan, delivery time).
    """
    now = now or timezone.now()
    proposal = _client_proposal(client, proposal_id)
    project = proposal.project
    if project.status not in HIREABLE_PROJECT_STATUSES:
        raise Conflict(_("This project is no longer hiring."), code="project_not_hiring")
    options = {option.pk: option for option in proposal.options.all()}
    if options and option_id not in options:
        raise InvalidInput(_("Choose which option you hire."), code="option_required")
    if not options and option_id is not None:
        raise InvalidInput(_("This proposal has no options."), code="no_options")
    _mark_viewed(proposal, now)
    proposal.hired_option, proposal.hired_at = options.get(option_id), now
    proposal_transition(proposal=proposal, to=Status.HIRED, actor=client)
    others = (
        Proposal.objects.select_for_update()
        .filter(project=project, status__in=ACTIVE_STATUSES)
        .exclude(pk=proposal.pk)
        .order_by("pk")
    )
    for other in others:
        other.decline_reason = DeclineReason.OTHER_HIRED
        proposal_transition(
            proposal=other, to=Status.DECLINED, actor=client, reason=DeclineReason.OTHER_HIRED
        )
    project_transition(project=project, to=ProjectStatus.AWARDED, actor=client, reason="hired")
    quota_refund_on_project_end(project=project, hired=True, now=now)
    user_event_push(
        user_id=proposal.freelancer_id,
        event="proposal.hired",
        data={"proposal_id": proposal.pk, "project_id": project.pk},
    )
    notification_send(
        recipient_id=proposal.freelancer_id,
        kind="proposal.hired",
        data={"proposal_id": proposal.pk, "project_id": project.pk, "project_title": project.title},
        actor=client,
    )
    return proposal


# --- invitations ----------------------------------------------------------------------------


@transaction.atomic
def invitation_send(
    *, client, project_id: int, freelancer_id: int, message: str = ""
) -> Invitation:
    """Invite a freelancer to propose on one of the client's open projects (also invite-only
    ones). At most ``MAX_INVITATIONS_PER_PROJECT`` per project; one per freelancer."""
    if not getattr(client, "is_authenticated", False):
        raise NotAuthenticated()
    project = Project.objects.select_for_update().filter(pk=project_id, client=client).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    if project.status != ProjectStatus.OPEN:
        raise Conflict(_("Invite freelancers to an open project."), code="project_not_open")
    freelancer = get_user_model().objects.filter(pk=freelancer_id, is_active=True).first()
    if freelancer is None:
        raise NotFound(_("No such freelancer."), code="freelancer_not_found")
    if freelancer.pk == client.pk:
        raise InvalidInput(_("You cannot invite yourself."), code="invite_self")
    message = (message or "").strip()
    if len(message) > 1000:
        raise InvalidInput(
            _("Keep the message under %(count)s characters.") % {"count": 1000},
            code="message_too_long",
        )
    if project.invitations.filter(freelancer=freelancer).exists():
        raise Conflict(_("You already invited this freelancer."), code="invitation_exists")
    if project.invitations.count() >= MAX_INVITATIONS_PER_PROJECT:
        raise Conflict(
            _("A project can have at most %(count)s invitations.")
            % {"count": MAX_INVITATIONS_PER_PROJECT},
            code="too_many_invitations",
        )
    invitation = Invitation.objects.create(project=project, freelancer=freelancer, message=message)
    user_event_push(
        user_id=freelancer.pk,
        event="invitation.received",
        data={"invitation_id": invitation.pk, "project_id": project.pk},
    )
    notification_send(
        recipient_id=freelancer.pk,
        kind="invitation.received",
        data={
            "invitation_id": invitation.pk,
            "project_id": project.pk,
            "project_title": project.title,
        },
        actor=client,
    )
    return invitation


@transaction.atomic
def invitation_decline(*, freelancer, invitation_id: int, note: str = "", now=None) -> Invitation:
    """Say no to an invitation that is still waiting for an answer."""
    if not getattr(freelancer, "is_authenticated", False):
        raise NotAuthenticated()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, freelancer=freelancer)
        .first()
    )
    if invitation is None:
        raise NotFound(_("No such invitation."), code="invitation_not_found")
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_("This invitation was already answered."), code="invitation_answered")
    invitation.status = InvitationStatus.DECLINED
    invitation.decline_note = (note or "").strip()[:300]
    invitation.responded_at = now or timezone.now()
    invitation.save(update_fields=["status", "decline_note", "responded_at"])
    return invitation
