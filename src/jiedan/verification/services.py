"""Writes for identity verification and skill tests.

Identity rules:
- a person has at most one pending submission (also a database constraint) and cannot submit
  again once approved; after a rejection they may submit again (a new submission);
- only staff holding ``verification.review`` decide, never on their own submission; a
  rejection needs a reason, which the person sees;
- the document image and the full number are shown only to staff holding ``identity.view``,
  and only after they give a reason, which is recorded: in the tamper-evident audit trail
  (``audit_access``) and as the short-lived ticket the document view checks (``DocumentAccess``).

Skill-test rules:
- starting draws ``questions_per_attempt`` active questions at random and stores them on the
  attempt; a person has at most one open attempt (also a database constraint);
- answers must arrive by the deadline plus ``DEADLINE_GRACE`` (network and clock slack); later
  answers are discarded: the attempt closes as expired with score 0, which counts as a failed
  attempt, and the caller gets a ``Conflict`` (``attempt_expired``);
- after a failed or expired attempt the test can be taken again ``cooldown_days`` after it
  ended; a passed test cannot be taken again.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from jiedan.accounts import roles
from jiedan.accounts.models import User
from jiedan.audit.services import audit_access
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.core.images import image_check
from jiedan.notifications.services import notification_send
from jiedan.taxonomy.models import Skill

from .models import (
    DocumentAccess,
    DocumentType,
    IdentitySubmission,
    IdentitySubmissionHistory,
    SkillTest,
    SkillTestAttempt,
    SkillTestAttemptHistory,
    SkillTestAttemptQuestion,
    SkillTestChoice,
    SkillTestQuestion,
)

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_DOCUMENT_PIXELS = 30_000_000
MAX_NAME_LENGTH = 60
MIN_REASON_LENGTH = 5
DOCUMENT_VIEWED_EVENT = "verification.identity.document_viewed"

# ISO 7064 MOD 11-2 as used by GB 11643-1999: weights 2^(17-i) mod 11, check value table.
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"
_RESIDENT_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$", re.ASCII)
_PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$", re.ASCII)


# ---------------------------------------------------------------- identity numbers


def resident_id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True)
    )
    return _RESIDENT_ID_CHECK[total % 11]


def id_number_normalize(*, document_type: str, number: str) -> str:
    """The number in canonical form (ASCII, upper case, no spaces), or ``InvalidInput``.

    Full-width characters typed with a Chinese input method are folded to ASCII first.
    A resident ID has 18 characters: a six-digit region code not starting with 0, a real
    birth date (YYYYMMDD, not in the future), a three-digit sequence and the MOD 11-2 check
    character (0-9 or X). A passport number is 5–20 letters and digits.
    """
    number = re.sub(r"\s+", "", unicodedata.normalize("NFKC", number or "")).upper()
    if document_type == DocumentType.CN_RESIDENT_ID:
        if not _RESIDENT_ID_RE.match(number):
            raise InvalidInput(
                _("A resident ID number has 18 characters: 17 digits, then a digit or X."),
                code="id_number_format",
            )
        try:
            born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            born = None
        if born is None or born > timezone.localdate() or born.year < 1900:
            raise InvalidInput(
                _("The birth date in this ID number is not valid."), code="id_number_birth_date"
            )
        if resident_id_check_digit(number[:17]) != number[17]:
            raise InvalidInput(
                _("This ID number is not valid: check it for typing mistakes."),
                code="id_number_checksum",
            )
        return number
    if document_type == DocumentType.PASSPORT:
        if not _PASSPORT_RE.match(number):
            raise InvalidInput(
                _("A passport number has 5 to 20 letters and digits."), code="passport_format"
            )
        return number
    raise InvalidInput(_("Choose a document type."), code="document_type")


# ---------------------------------------------------------------- identity submissions


def _identity_transition(
    submission: IdentitySubmission, *, to: str, actor: User, reason: str = ""
) -> None:
    """Move a locked submission to ``to`` if the map allows it, and record the change."""
    if to not in IdentitySubmission.TRANSITIONS[submission.status]:
        raise Conflict(
            _("This submission has already been reviewed."), code="submission_not_pending"
        )
    IdentitySubmissionHistory.objects.create(
        submission=submission,
        from_status=submission.status,
        to_status=to,
        actor=actor,
        reason=reason,
    )
    submission.status = to


@transaction.atomic
def identity_submit(
    *, user: User, document_type: str, real_name: str, id_number: str, document
) -> IdentitySubmission:
    """Submit a real name, document number and document photo for review.

    Refused while another submission is pending or once verified. The photo is checked by
    content, size and pixels and stored privately under a random name.
    """
    real_name = " ".join((real_name or "").split())
    if not real_name or len(real_name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            _("Enter your real name as on the document (up to %(max)s characters).")
            % {"max": MAX_NAME_LENGTH},
            code="real_name",
        )
    number = id_number_normalize(document_type=document_type, number=id_number)
    checked = image_check(document, max_bytes=MAX_DOCUMENT_BYTES, max_pixels=MAX_DOCUMENT_PIXELS)
    User.objects.select_for_update().get(pk=user.pk)  # one submission at a time per person
    statuses = set(
        IdentitySubmission.objects.filter(
            user=user,
            status__in=[IdentitySubmission.Status.PENDING, IdentitySubmission.Status.APPROVED],
        ).values_list("status", flat=True)
    )
    if IdentitySubmission.Status.APPROVED in statuses:
        raise Conflict(_("Your identity is already verified."), code="already_verified")
    if IdentitySubmission.Status.PENDING in statuses:
        raise Conflict(
            _("Your previous submission is still waiting for review."), code="submission_pending"
        )
    submission = IdentitySubmission(
        user=user, document_type=document_type, real_name=real_name, id_number=number
    )
    submission.document.save(f"document.{checked.format.lower()}", document, save=False)
    try:  # no orphaned file when the row cannot be written
        submission.save()
        IdentitySubmissionHistory.objects.create(
            submission=submission, from_status="", to_status=submission.status, actor=user
        )
    except Exception:
        submission.document.delete(save=False)
        raise
    return submission


def _reviewable(*, submission_id: int, actor: User) -> IdentitySubmission:
    if not roles.user_can(actor, "verification.review"):
        raise PermissionDenied()
    submission = IdentitySubmission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None:
        raise NotFound(_("No such submission."), code="submission_not_found")
    if submission.user_id == actor.pk:
        raise PermissionDenied(_("You cannot review your own submission."), code="own_submission")
    return submission


def _decide(submission: IdentitySubmission, *, to: str, actor: User, reason: str) -> None:
    _identity_transition(submission, to=to, actor=actor, reason=reason)
    submission.decided_at = timezone.now()
    submission.decided_by = actor
    submission.rejection_reason = reason if to == IdentitySubmission.Status.REJECTED else ""
    submission.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    notification_send(  # no actor: the reviewer stays anonymous
        recipient_id=submission.user_id,
        kind=f"verification.identity.{to}",
        data={"submission_id": submission.pk, "reason": submission.rejection_reason},
    )


@transaction.atomic
def identity_submission_approve(
    *, submission_id: int, actor: User, note: str = ""
) -> IdentitySubmission:
    """Approve a pending submission: the person gets the identity-verified badge."""
    submission = _reviewable(submission_id=submission_id, actor=actor)
    _decide(submission, to=IdentitySubmission.Status.APPROVED, actor=actor, reason=note.strip())
    return submission


@transaction.atomic
def identity_submission_reject(
    *, submission_id: int, actor: User, reason: str
) -> IdentitySubmission:
    """Reject a pending submission with a reason the person will read; they may submit again."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidInput(
            _("Tell the person why, so they can fix it (at least %(min)s characters).")
            % {"min": MIN_REASON_LENGTH},
            code="reason_required",
        )
    submission = _reviewable(submission_id=submission_id, actor=actor)
    _decide(submission, to=IdentitySubmission.Status.REJECTED, actor=actor, reason=reason)
    return submission


@transaction.atomic
def identity_document_access_grant(
    *, submission_id: int, actor: User, reason: str
) -> DocumentAccess:
    """Record that ``actor`` opens a submission's document and full number, and why.

    Only staff holding ``identity.view``; the reason is required. The returned record is the
    ticket the document view checks (``selectors.document_access_for``).
    """
    if not roles.user_can(actor, "identity.view"):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidInput(
            _("Say why you need to see this document (at least %(min)s characters).")
            % {"min": MIN_REASON_LENGTH},
            code="reason_required",
        )
    submission = IdentitySubmission.objects.filter(pk=submission_id).first()
    if submission is None:
        raise NotFound(_("No such submission."), code="submission_not_found")
    audit_access(
        staff=actor,
        action=DOCUMENT_VIEWED_EVENT,
        reason=reason,
        subject=submission,
        subject_user=submission.user,
    )
    return DocumentAccess.objects.create(
        submission=submission, staff=actor, event=DOCUMENT_VIEWED_EVENT, reason=reason
    )


# ---------------------------------------------------------------- skill tests


def _attempt_transition(
    attempt: SkillTestAttempt, *, to: str, actor: User, reason: str = ""
) -> None:
    """Move a locked attempt to ``to`` if the map allows it, and record the change."""
    if to not in SkillTestAttempt.TRANSITIONS[attempt.status]:
        raise Conflict(_("This attempt is already finished."), code="attempt_closed")
    SkillTestAttemptHistory.objects.create(
        attempt=attempt, from_status=attempt.status, to_status=to, actor=actor, reason=reason
    )
    attempt.status = to


def _expire(attempt: SkillTestAttempt, *, actor: User) -> None:
    """Close an overdue attempt as failed with score 0; it ended at its deadline."""
    _attempt_transition(
        attempt, to=SkillTestAttempt.Status.EXPIRED, actor=actor, reason="deadline passed"
    )
    attempt.finished_at = attempt.deadline
    attempt.score_percent = 0
    attempt.passed = False
    attempt.save(update_fields=["status", "finished_at", "score_percent", "passed"])


def _retry_date(when: datetime) -> str:
    return formats.date_format(timezone.localtime(when), "DATE_FORMAT")


@transaction.atomic
def attempt_start(*, user: User, test_id: int) -> SkillTestAttempt:
    """Start a timed attempt at an active test, drawing its questions at random.

    Refused when the person has another open attempt, already passed this test, or is within
    the cooldown after a failed attempt. Their overdue open attempts are closed first.
    """
    User.objects.select_for_update().get(pk=user.pk)
    test = SkillTest.objects.filter(pk=test_id, is_active=True).first()
    if test is None:
        raise NotFound(_("No such skill test."), code="test_not_found")
    now = timezone.now()
    for attempt in SkillTestAttempt.objects.select_for_update().filter(
        user=user, status=SkillTestAttempt.Status.OPEN
    ):
        if not attempt.is_overdue(now=now):
            raise Conflict(
                _("Finish the test you have already started first."), code="attempt_open"
            )
        _expire(attempt, actor=user)
    finished = SkillTestAttempt.objects.filter(user=user, test=test).exclude(
        status=SkillTestAttempt.Status.OPEN
    )
    if finished.filter(passed=True).exists():
        raise Conflict(_("You have already passed this test."), code="already_passed")
    last = finished.order_by("-finished_at").first()
    if last is not None:
        retry_at = last.finished_at + timedelta(days=test.cooldown_days)
        if now < retry_at:
            raise Conflict(
                _("You can take this test again on %(date)s.") % {"date": _retry_date(retry_at)},
                code="cooldown",
            )
    question_ids = list(
        test.questions.filter(is_active=True).values_list("pk", flat=True).order_by("pk")
    )
    if len(question_ids) < test.questions_per_attempt:
        raise Conflict(_("This test is not ready yet."), code="test_not_ready")
    drawn = secrets.SystemRandom().sample(question_ids, test.questions_per_attempt)
    attempt = SkillTestAttempt.objects.create(
        user=user,
        test=test,
        started_at=now,
        deadline=now + timedelta(minutes=test.time_limit_minutes),
    )
    SkillTestAttemptQuestion.objects.bulk_create(
        SkillTestAttemptQuestion(attempt=attempt, question_id=question_id, position=position)
        for position, question_id in enumerate(drawn)
    )
    SkillTestAttemptHistory.objects.create(
        attempt=attempt, from_status="", to_status=attempt.status, actor=user
    )
    return attempt


@dataclass(frozen=True)
class Answer:
    question_id: int
    choice_id: int


def attempt_submit(*, user: User, attempt_id: int, answers: list[Answer]) -> SkillTestAttempt:
    """Score an open attempt: percent of drawn questions answered correctly, rounded down.

    Unanswered questions count as wrong. An answer naming a question that was not drawn, or a
    choice of another question, is refused as a whole. Past the deadline plus grace, the
    answers are discarded and the attempt is closed as expired (kept, even though the caller
    gets ``Conflict``).
    """
    with transaction.atomic():
        attempt = (
            SkillTestAttempt.objects.select_for_update()
            .select_related("test")
            .filter(pk=attempt_id, user=user)
            .first()
        )
        if attempt is None:
            raise NotFound(_("No such attempt."), code="attempt_not_found")
        if attempt.status != SkillTestAttempt.Status.OPEN:
            raise Conflict(_("This attempt is already finished."), code="attempt_closed")
        now = timezone.now()
        if not attempt.is_overdue(now=now):
            return _score(attempt, user=user, answers=answers, now=now)
        _expire(attempt, actor=user)
    raise Conflict(
        _("Time ran out before your answers arrived; the attempt counts as not passed."),
        code="attempt_expired",
    )


def _score(
    attempt: SkillTestAttempt, *, user: User, answers: list[Answer], now: datetime
) -> SkillTestAttempt:
    drawn = {row.question_id: row for row in attempt.drawn.all()}
    chosen: dict[int, int] = {}
    for answer in answers:
        if answer.question_id not in drawn or answer.question_id in chosen:
            raise InvalidInput(_("An answer names a question not in this attempt."), code="answers")
        chosen[answer.question_id] = answer.choice_id
    choices = {
        choice.pk: choice for choice in SkillTestChoice.objects.filter(pk__in=chosen.values())
    }
    correct = 0
    for question_id, choice_id in chosen.items():
        choice = choices.get(choice_id)
        if choice is None or choice.question_id != question_id:
            raise InvalidInput(_("An answer is not one of the question's choices."), code="answers")
        drawn[question_id].chosen = choice
        correct += choice.is_correct
    SkillTestAttemptQuestion.objects.bulk_update(list(drawn.values()), ["chosen"])
    _attempt_transition(attempt, to=SkillTestAttempt.Status.SUBMITTED, actor=user)
    attempt.finished_at = now
    attempt.score_percent = correct * 100 // len(drawn)
    attempt.passed = attempt.score_percent >= attempt.test.pass_percent
    attempt.save(update_fields=["status", "finished_at", "score_percent", "passed"])
    return attempt


# ---------------------------------------------------------------- question banks


@dataclass
class BankLoadReport:
    tests: int = 0
    questions: int = 0
    retired_questions: int = 0
    missing_skills: list[str] = field(default_factory=list)


def _bank_question_check(test_slug: str, question: dict) -> None:
    choices = question.get("choices", [])
    if len(choices) < 2 or sum(bool(c.get("correct")) for c in choices) != 1:
        raise InvalidInput(
            f"{test_slug}/{question.get('key')}: needs two or more choices, exactly one correct",
            code="bank_invalid",
        )
    if not all(question.get(k) for k in ("key", "zh", "en")):
        raise InvalidInput(f"{test_slug}: a question lacks its key or a text", code="bank_invalid")


@transaction.atomic
def skill_test_bank_load(*, data: dict) -> BankLoadReport:
    """Load question banks (``data/skilltests.json``), upserting tests and questions by key.

    Tests are matched to taxonomy skills by slug; a skill that does not exist is skipped and
    reported. A question's texts and choices are overwritten; questions of a test that the
    file no longer lists are deactivated, never deleted (past attempts point at them). The
    file is checked whole before anything is written.
    """
    for test in data["tests"]:
        for question in test["questions"]:
            _bank_question_check(test["skill"], question)
    report = BankLoadReport()
    skills = {
        skill.slug: skill
        for skill in Skill.objects.filter(slug__in=[t["skill"] for t in data["tests"]])
    }
    for spec in data["tests"]:
        skill = skills.get(spec["skill"])
        if skill is None:
            report.missing_skills.append(spec["skill"])
            continue
        test, _created = SkillTest.objects.update_or_create(
            skill=skill,
            kind=spec.get("kind", SkillTest.Kind.MULTIPLE_CHOICE),
            defaults={
                name: spec[name]
                for name in (
                    "pass_percent",
                    "time_limit_minutes",
                    "questions_per_attempt",
                    "cooldown_days",
                )
            },
        )
        report.tests += 1
        keys = []
        for item in spec["questions"]:
            question, _created = SkillTestQuestion.objects.update_or_create(
                test=test,
                key=item["key"],
                defaults={"text_zh": item["zh"], "text_en": item["en"], "is_active": True},
            )
            keys.append(item["key"])
            for position, choice in enumerate(item["choices"]):
                SkillTestChoice.objects.update_or_create(
                    question=question,
                    position=position,
                    defaults={
                        "text_zh": choice["zh"],
                        "text_en": choice["en"],
                        "is_correct": bool(choice.get("correct")),
                    },
                )
            question.choices.filter(position__gte=len(item["choices"])).delete()
            report.questions += 1
        report.retired_questions += (
            test.questions.filter(is_active=True).exclude(key__in=keys).update(is_active=False)
        )
    return report
