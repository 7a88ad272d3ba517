"""Trust API under /api/v1/trust: the caller's account status and appeals; the review queue
for moderators (read, claim, decide). A caller who may not use the queue gets 403 and nothing
changes; an item of a kind they may not handle is 404."""

from ninja import Router

from jiedan.core.errors import PermissionDenied

from . import selectors, services
from .models import Enforcement
from .schemas import AppealIn, AppealOut, DecisionIn, EnforcementOut, QueueItemOut

router = Router(tags=["trust"])
QUEUE_LIMIT = 100


def _enforcement_out(e: Enforcement) -> dict:
    return {
        "id": e.pk,
        "action": e.action,
        "action_label": str(e.get_action_display()),
        "features": e.features,
        "reason": e.reason,
        "active": e.is_active,
        "created_at": e.created_at,
        "lifted_at": e.lifted_at,
        "lift_reason": e.lift_reason,
        "appeals": list(e.appeals.all()),
    }


@router.get("/account", response=list[EnforcementOut])
def account(request):
    """Actions on my account, active first, with my appeals."""
    return [_enforcement_out(e) for e in selectors.account_status(request.user)]


@router.post("/account/{enforcement_id}/appeal", response={201: AppealOut})
def appeal(request, enforcement_id: int, body: AppealIn):
    return 201, services.appeal_submit(
        user=request.user, enforcement_id=enforcement_id, text=body.text
    )


def _moderator(user) -> None:
    if not selectors.can_use_queue(user):
        raise PermissionDenied()


@router.get("/queue", response=list[QueueItemOut])
def queue(request, kind: str = "", status: str = "", user_id: int | None = None):
    """Queue items I may handle, oldest first (at most 100; filter to page through)."""
    _moderator(request.user)
    items = selectors.queue_list(viewer=request.user, kind=kind, status=status, user_id=user_id)
    return list(items[:QUEUE_LIMIT])


@router.post("/queue/{item_id}/claim", response=QueueItemOut)
def claim(request, item_id: int):
    _moderator(request.user)
    return services.queue_claim(item_id=item_id, actor=request.user)


@router.post("/queue/{item_id}/release", response=QueueItemOut)
def release(request, item_id: int):
    _moderator(request.user)
    return services.queue_release(item_id=item_id, actor=request.user)


@router.post("/queue/{item_id}/decide", response=QueueItemOut)
def decide(request, item_id: int, body: DecisionIn):
    _moderator(request.user)
    return services.queue_decide(
        item_id=item_id,
        actor=request.user,
        decision=body.decision,
        reason=body.reason,
        features=body.features,
    )
