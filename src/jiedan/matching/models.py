"""Stored text vectors, one per searchable object and encoder."""

from datetime import timedelta
from uuid import uuid4

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


class Embedding(models.Model):
    """The vector of one object's text (``kind`` as in the search index: project, service,
    freelancer), made by ``encoder``. ``text_sha256`` lets a refresh skip unchanged text."""

    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    encoder = models.CharField(max_length=40)
    text_sha256 = models.CharField(max_length=64)
    vector = models.BinaryField()  # float32, little-endian
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_once")]
        # an index reads the rows changed since its last look (matching.selectors)
        indexes = [
            models.Index(fields=["kind", "encoder", "updated_at"], name="embedding_kind_changed")
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id} ({self.encoder})"

    def as_array(self) -> np.ndarray:
        return vector_from_bytes(self.vector)


class EmbeddingRemoval(models.Model):
    """``kind``:``object_id`` lost its vector at ``removed_at`` (a row per object, moved on
    each removal). Every process's index drops what was removed since its last look by
    reading these rows, instead of reading every id; they are purged after
    ``REMOVALS_KEPT``, and an index that has not looked for longer than
    ``REMOVALS_TRUSTED`` reloads instead."""

    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    removed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_removal_once")
        ]
        indexes = [models.Index(fields=["kind", "removed_at"], name="embedding_removal_time")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} removed {self.removed_at:%Y-%m-%d %H:%M}"


REMOVALS_KEPT = timedelta(days=7)
REMOVALS_TRUSTED = REMOVALS_KEPT - timedelta(days=1)  # a day's margin for slow purges


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")


def _version_key(kind: str) -> str:
    return f"matching:embeddings:{kind}"


def version_of(kind: str) -> str:
    """The stamp of the current state of ``kind``'s vectors (shared by every process)."""
    return cache.get_or_set(_version_key(kind), lambda: uuid4().hex, timeout=None)


def version_bump(kind: str) -> None:
    """Mark ``kind``'s vectors changed, so every process's index refreshes."""
    cache.set(_version_key(kind), uuid4().hex, timeout=None)


class Feedback(models.TextChoices):
    DISMISSED = "dismissed", _("Not interested")
    SHOWN_INTEREST = "interested", _("Interested")


class RecommendationFeedback(models.Model):
    """What someone told us about a recommendation: a freelancer about a project
    (``project_id`` and no ``freelancer``), or a client about a freelancer for one of their
    projects (both). Dismissed items are not shown again, and a freelancer's answers shift
    which categories come first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendation_feedback"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    feedback = models.CharField(_("feedback"), max_length=10, choices=Feedback.choices)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation feedback")
        verbose_name_plural = _("recommendation feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "project", "freelancer"],
                name="recommendation_feedback_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.feedback} {self.project_id}/{self.freelancer_id}"


class ProjectAlert(models.Model):
    """A new project recommended to a freelancer as a strong match, once: the notification
    (and digest line) it caused."""

    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["freelancer", "project"], name="project_alert_once")
        ]

    def __str__(self):
        return f"{self.project_id} → {self.freelancer_id}"
