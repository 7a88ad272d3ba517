"""Every write of the trust app. See the modules: ``risk`` (events → rule hits → automatic
actions), ``enforcement`` (apply, lift, appeal), ``queue`` (the moderators' review queue),
``devices`` (fingerprints) and ``reports`` (members reporting projects)."""

from .devices import fingerprint_record
from .enforcement import appeal_decide, appeal_submit, enforcement_apply, enforcement_lift
from .queue import queue_claim, queue_decide, queue_item_add, queue_release, queue_sync
from .reports import project_report
from .risk import risk_evaluate, risk_event

__all__ = [
    "appeal_decide",
    "appeal_submit",
    "enforcement_apply",
    "enforcement_lift",
    "fingerprint_record",
    "project_report",
    "queue_claim",
    "queue_decide",
    "queue_item_add",
    "queue_release",
    "queue_sync",
    "risk_evaluate",
    "risk_event",
]
