"""``Idempotency-Key`` for the JSON API: a retried POST gets the first answer, never a second
effect.

Rules
- An endpoint opts in with ``@idempotent``, placed under its ``@router.post(...)``. Its callers
  must send an ``Idempotency-Key`` header of 1 to ``IDEMPOTENCY_KEY_MAX_LENGTH`` printable
  characters of their choosing (a fresh UUID per intended action is ideal). Missing: 422
  ``idempotency_key_required``; too long or unprintable: 422 ``bad_idempotency_key``.
- Keys belong to the signed-in user: another user's identical key is another key. Anonymous
  endpoints (sign-in, payment webhooks, which are unique on the provider's event id) do not
  opt in.
- A request is known by its fingerprint: method, path with query string, and body (JSON
  compared once parsed, with keys sorted; a multipart form by its fields and its files' names
  and contents; any other body byte for byte).
- The first request claims the key by inserting its row in a transaction of its own, committed
  before the endpoint runs, so a duplicate arriving meanwhile finds the claim:
  the same key with another fingerprint is 422 ``idempotency_key_reused`` (whatever the first
  one's state); the same request while the first still runs is 409
  ``idempotency_request_in_progress`` (retry a little later); the same request after the first
  finished gets the first status and body again, with the header ``Idempotent-Replayed: true``.
- Every final answer below 500 is kept, refusals included: a refused request replays its
  refusal, so after fixing the cause (topping up the wallet, say) the client sends a new key. A
  5xx answer, an answer with ``Retry-After`` (rate limited, provider unreachable, the same
  request still being posted) or an exception releases the claim, so a retry with the same key
  runs the endpoint again.
- A claim still in progress after ``STALE_CLAIM_AFTER`` belongs to a request whose process died:
  a retry takes it over and runs the endpoint. A request that finishes after losing its claim
  records nothing. The 409 for a claim in progress says in ``Retry-After`` when to try again
  (2 s, or less when the claim is about to count as stale).
- A request whose database connection died (a restart, a failover) answers 503; its claim is
  released on a new connection, so the retry the 503 asks for runs at once. Only when the
  database is still away is the claim left, for a retry to take over once it is stale.
- Rows are kept ``JIEDAN_IDEMPOTENCY_TTL_HOURS`` after the claim (never less than 24 hours), then
  the beat task ``jiedan.core.tasks.purge_idempotent_requests`` deletes them and the key is new
  again.
- The header guards the HTTP exchange; the money is guarded by the services' own keys, derived
  from ids (the same task is never held in escrow twice), which also cover what this cannot:
  a replay after the purge, or a crash between the endpoint's commit and recording its answer.
- Answers are stored as sent: an endpoint whose answer carries a secret shown once must not opt
  in. The endpoint may read the key as ``request.idempotency_key`` to pass it to a service.
"""

import functools
import hashlib
import json
import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_callback

from .errors import InvalidInput, NotAuthenticated, TryAgain
from .models import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyState, IdempotentRequest

logger = logging.getLogger(__name__)
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
STALE_CLAIM_AFTER = timedelta(seconds=60)
IN_PROGRESS_RETRY_SECONDS = 2
MIN_TTL = timedelta(hours=24)
_CLAIM = "_idempotency_claim"

HEADER_OPENAPI = {
    "in": "header",
    "name": HEADER,
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
    "description": (
        "A key of your choosing, new for each intended action. Repeating the request with the "
        "same key returns the first answer (header Idempotent-Replayed: true); the same key "
        "with another request is 422 idempotency_key_reused; while the first is still running, "
        "409 idempotency_request_in_progress. Keys are kept at least 24 hours."
    ),
}


def idempotent(endpoint):
    """Make a ninja POST endpoint idempotent per (user, ``Idempotency-Key``); see the module's
    rules. ninja reads the endpoint's own signature through ``__wrapped__``."""
    scope = f"{endpoint.__module__}.{endpoint.__qualname__}"

    @functools.wraps(endpoint)
    def claim_then_run(request, **params):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        key = _header_key(request)
        row = _claim(
            user=request.user, key=key, scope=scope, fingerprint=request_fingerprint(request)
        )
        if row.state == IdempotencyState.DONE:
            return _replay(row)
        setattr(request, _CLAIM, row)
        request.idempotency_key = key
        return endpoint(request, **params)

    contribute_operation_callback(claim_then_run, _document_header)
    return decorate_view(_record_answer)(claim_then_run)


def request_fingerprint(request) -> str:
    """SHA-256 of the method, the path with its query string and the canonical body."""
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), _body(request)):
        digest.update(part)
        digest.update(b"\n")
    return digest.hexdigest()


def idempotent_requests_purge(*, now: datetime) -> int:
    """Delete the rows claimed longer ago than the retention time; their keys become new."""
    ttl = max(timedelta(hours=settings.JIEDAN_IDEMPOTENCY_TTL_HOURS), MIN_TTL)
    deleted, _per_model = IdempotentRequest.objects.filter(created_at__lt=now - ttl).delete()
    return deleted


def _header_key(request) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise InvalidInput(
            _("Send an Idempotency-Key header: a key of your choosing, new for each action."),
            code="idempotency_key_required",
        )
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise InvalidInput(
            _("Send an idempotency key of 1 to %(count)s printable characters.")
            % {"count": IDEMPOTENCY_KEY_MAX_LENGTH},
            code="bad_idempotency_key",
        )
    return key


def _body(request) -> bytes:
    """The body in a form where the same content always reads the same."""
    if request.content_type == "multipart/form-data":
        files = [
            (name, upload.name, _file_digest(upload))
            for name, uploads in request.FILES.lists()
            for upload in uploads
        ]
        form = {"fields": sorted(request.POST.lists()), "files": sorted(files)}
        return json.dumps(form, sort_keys=True).encode()
    if request.content_type == "application/json" and request.body:
        try:
            parsed = json.loads(request.body)
        except ValueError:
            return request.body
        return json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()
    return request.body


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _claim(*, user, key: str, scope: str, fingerprint: str) -> IdempotentRequest:
    """The caller's claim on the key (committed at once), or the finished row to replay."""
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                user=user, key=key, scope=scope, fingerprint=fingerprint
            )
    except IntegrityError:
        pass
    row = IdempotentRequest.objects.filter(user=user, key=key).first()
    if row is not None and row.fingerprint != fingerprint:
        raise InvalidInput(
            _("This idempotency key was already used for a different request."),
            code="idempotency_key_reused",
        )
    if row is not None and row.state == IdempotencyState.DONE:
        return row
    if row is None or not _take_over(row):
        refusal = TryAgain(
            _("The same request is still being processed. Try again in a moment."),
            code="idempotency_request_in_progress",
        )
        refusal.retry_after = _seconds_until_stale(row)
        raise refusal
    return row


def _seconds_until_stale(row: IdempotentRequest | None) -> int:
    """When to try again: soon (most requests finish within a second or two), never later
    than when a claim left by a dead request may be taken over."""
    if row is None:  # released in the meantime: try again at once
        return 1
    left = row.created_at + STALE_CLAIM_AFTER - timezone.now()
    return max(1, min(IN_PROGRESS_RETRY_SECONDS, int(left.total_seconds()) + 1))


def _take_over(row: IdempotentRequest) -> bool:
    """Claim a row left in progress too long by a request that died; False if it is fresh or
    another retry took it first."""
    now = timezone.now()
    if row.created_at > now - STALE_CLAIM_AFTER:
        return False
    old_claim, row.claim, row.created_at = row.claim, uuid.uuid4(), now
    return bool(
        IdempotentRequest.objects.filter(
            pk=row.pk, state=IdempotencyState.IN_PROGRESS, claim=old_claim
        ).update(claim=row.claim, created_at=now)
    )


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        row.response_body, status=row.status_code, content_type=row.response_type
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _record_answer(run):
    """Around ninja's whole operation (auth, parsing, the endpoint, error mapping): keep the
    answer of a claimed request, or release the claim when the answer is a server error."""

    @functools.wraps(run)
    def run_and_record(request, **kwargs):
        try:
            response = run(request, **kwargs)
        except BaseException:
            if claim := getattr(request, _CLAIM, None):
                _release(claim)
            raise
        if claim := getattr(request, _CLAIM, None):
            _settle(claim, response)
        return response

    return run_and_record


def _current(claim: IdempotentRequest):
    return IdempotentRequest.objects.filter(
        pk=claim.pk, claim=claim.claim, state=IdempotencyState.IN_PROGRESS
    )


def _release(claim: IdempotentRequest) -> None:
    """Delete the claim so that the same key runs again; when the request's connection died
    with it, on a new connection (outside a transaction, where one may be opened)."""
    try:
        _current(claim).delete()
        return
    except DatabaseError:
        if connection.in_atomic_block:
            raise
    connection.close()
    try:
        _current(claim).delete()
    except DatabaseError:
        logger.warning("claim %s kept: the database is unreachable", claim.pk, exc_info=True)


def _settle(claim: IdempotentRequest, response) -> None:
    if response.status_code >= 500 or response.has_header("Retry-After"):
        _release(claim)
        return
    _current(claim).update(
        state=IdempotencyState.DONE,
        status_code=response.status_code,
        response_body=response.content.decode(),
        response_type=response.get("Content-Type", ""),
    )


def _document_header(operation) -> None:
    """List the required header in the OpenAPI document (ninja appends extra parameters)."""
    extra = operation.openapi_extra or {}
    operation.openapi_extra = {
        **extra,
        "parameters": [*extra.get("parameters", []), HEADER_OPENAPI],
    }
