"""Identity verification and skill tests.

Identity: a person submits their real name, an identity number (Chinese resident ID or a
passport) and a photo of the document. Name and number are encrypted at rest; the photo lives in
private storage and is served only through an access-checked view that records who looked and
why. A submission moves pending → approved or pending → rejected (with a reason the person sees);
after a rejection they may submit again. At most one submission per person is pending.

Skill tests: a multiple-choice question bank per skill, written in Chinese and English. An
attempt draws questions at random and has a deadline; passing earns a verified-skill badge.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.crypto import EncryptedTextField
from jiedan.core.i18n import localized
from jiedan.core.storage import private_storage
from jiedan.taxonomy.models import Skill

# Answers may arrive this long after the deadline shown to the person (network and clock slack).
DEADLINE_GRACE = timedelta(seconds=30)


class DocumentType(models.TextChoices):
    CN_RESIDENT_ID = "cn_resident_id", _("Chinese resident identity card")
    PASSPORT = "passport", _("Passport")


def identity_document_path(instance, filename):
    """A random name: the uploaded file name (which may contain the person's name) is dropped."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"identity/{uuid.uuid4().hex}.{extension}"


class IdentitySubmission(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Verified")
        REJECTED = "rejected", _("Rejected")

    # Reviews are final: a new attempt is a new submission, so the record of what was decided
    # on which document stays intact.
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity_submissions",
        verbose_name=_("user"),
    )
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    real_name = EncryptedTextField(_("real name"))
    id_number = EncryptedTextField(_("document number"))
    document = models.FileField(
        _("document image"), storage=private_storage, upload_to=identity_document_path
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("identity submission")
        verbose_name_plural = _("identity submissions")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="verification_identity_one_pending_per_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} · {self.get_status_display()}"


class IdentitySubmissionHistory(models.Model):
    """One row per status change of a submission (creation included, from an empty status)."""

    submission = models.ForeignKey(
        IdentitySubmission, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity status change")
        verbose_name_plural = _("identity status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class DocumentAccess(models.Model):
    """Who opened which identity document, when and why.

    A plain table for now; the trust work replaces it with a tamper-evident staff access log.
    The seam is ``services.identity_document_access_grant``, the only writer.
    """

    submission = models.ForeignKey(
        IdentitySubmission,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name=_("submission"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    event = models.CharField(_("event"), max_length=60)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("document access")
        verbose_name_plural = _("document accesses")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.staff} · {self.event} · {self.at:%Y-%m-%d %H:%M}"


class SkillTest(models.Model):
    """A timed test for one skill.

    ``kind`` is the extension point for other ways to verify a skill (a Toptal-style screening
    with a live interview or a paid trial task would be a new kind with its own attempt flow);
    today every test is a multiple-choice quiz.
    """

    class Kind(models.TextChoices):
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple-choice test")

    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="skill_tests", verbose_name=_("skill")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.MULTIPLE_CHOICE
    )
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=15)
    questions_per_attempt = models.PositiveSmallIntegerField(_("questions per attempt"), default=8)
    cooldown_days = models.PositiveSmallIntegerField(_("days before a retry"), default=14)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("skill test")
        verbose_name_plural = _("skill tests")
        ordering = ["skill__category__position", "skill_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "kind"], name="verification_test_per_skill"),
            models.CheckConstraint(
                condition=Q(pass_percent__gte=1, pass_percent__lte=100),
                name="verification_test_pass_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gte=1, questions_per_attempt__gte=1),
                name="verification_test_positive_limits",
            ),
        ]

    def __str__(self):
        return str(self.skill)


class SkillTestQuestion(models.Model):
    test = models.ForeignKey(
        SkillTest, on_delete=models.CASCADE, related_name="questions", verbose_name=_("test")
    )
    key = models.SlugField(
        _("key"), max_length=60, help_text=_("Stable name used when the bank is reloaded.")
    )
    text_zh = models.TextField(_("question (Chinese)"))
    text_en = models.TextField(_("question (English)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["test_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["test", "key"], name="verification_question_key")
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)


class SkillTestChoice(models.Model):
    question = models.ForeignKey(
        SkillTestQuestion,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("question"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_zh = models.CharField(_("answer (Chinese)"), max_length=300)
    text_en = models.CharField(_("answer (English)"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        ordering = ["question_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="verification_choice_position"
            )
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)


class SkillTestAttempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Time ran out")

    TRANSITIONS = {
        Status.OPEN: {Status.SUBMITTED, Status.EXPIRED},
        Status.SUBMITTED: set(),
        Status.EXPIRED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_test_attempts",
        verbose_name=_("user"),
    )
    test = models.ForeignKey(
        SkillTest, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("test")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    score_percent = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("skill test attempt")
        verbose_name_plural = _("skill test attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="open"),
                name="verification_one_open_attempt_per_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "test", "status"])]

    def __str__(self):
        return f"{self.user} · {self.test} · {self.get_status_display()}"

    def is_overdue(self, *, now: datetime) -> bool:
        """True once an open attempt is past its deadline and the grace period."""
        return self.status == self.Status.OPEN and now > self.deadline + DEADLINE_GRACE


class SkillTestAttemptQuestion(models.Model):
    """A question drawn for an attempt, in the order shown, and the choice the person picked."""

    attempt = models.ForeignKey(SkillTestAttempt, on_delete=models.CASCADE, related_name="drawn")
    question = models.ForeignKey(SkillTestQuestion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    chosen = models.ForeignKey(
        SkillTestChoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="verification_attempt_question_once"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position + 1}"


class SkillTestAttemptHistory(models.Model):
    """One row per status change of an attempt (start included, from an empty status)."""

    attempt = models.ForeignKey(SkillTestAttempt, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("attempt status change")
        verbose_name_plural = _("attempt status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"
