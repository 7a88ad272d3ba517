"""What other apps call: ``risk_event`` (report what a person did; rules run after commit)
and ``feature_ensure`` (refuse, with the plain reason, what an active action stops). Imported
by domain services, so it loads the trust services only when called."""

from .selectors import feature_allowed, feature_ensure

__all__ = ["feature_allowed", "feature_ensure", "risk_event"]


def risk_event(kind: str, user, data: dict | None = None) -> None:
    from .services.risk import risk_event as schedule

    schedule(kind, user, data)
