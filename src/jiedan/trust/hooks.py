"""What other apps call: ``risk_event`` (report what a person did; rules run after commit),
``feature_ensure`` (refuse, with the plain reason, what an active action stops) and
``is_suspended`` (the API's token sign-in refuses a suspended person). Imported by domain
services, so it loads the trust services only when called."""

from .selectors import (
    SUSPENDED_OPEN_API,
    feature_allowed,
    feature_ensure,
    is_suspended,
    suspension_message,
)

__all__ = [
    "SUSPENDED_OPEN_API",
    "feature_allowed",
    "feature_ensure",
    "is_suspended",
    "risk_event",
    "suspension_message",
]


def risk_event(kind: str, user, data: dict | None = None) -> None:
    from .services.risk import risk_event as schedule

    schedule(kind, user, data)
