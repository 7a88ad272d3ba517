"""Verification API: the caller's identity status and submission, skill tests and attempts.

Never returns a document number, a document image or which answer is correct.
"""

from ninja import File, Form, Router, Status, UploadedFile

from jiedan.core.api_types import choice_input

from . import selectors, services
from .models import DocumentType, SkillTestAttempt
from .schemas import AnswersIn, AttemptOut, IdentityOut, SkillTestOut

router = Router(tags=["verification"])

DocumentTypeChoice = choice_input(DocumentType)


def _identity(user) -> dict:
    current = selectors.identity_current_of(user=user)
    return {
        "status": current.status if current else "none",
        "verified": selectors.is_identity_verified(user=user),
        "can_submit": selectors.identity_can_submit(current=current),
        "submission": current,
    }


def _attempt(attempt: SkillTestAttempt) -> dict:
    status = selectors.attempt_effective_status(attempt)
    is_open = status == SkillTestAttempt.Status.OPEN
    return {
        "id": attempt.pk,
        "test_id": attempt.test_id,
        "status": status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "seconds_left": selectors.attempt_seconds_left(attempt) if is_open else 0,
        "questions": selectors.attempt_questions(attempt) if is_open else [],
        "score_percent": None if is_open else (attempt.score_percent or 0),
        "passed": None if is_open else attempt.passed,
    }


@router.get("/identity", response=IdentityOut)
def identity_status(request):
    return _identity(request.user)


@router.post("/identity", response={201: IdentityOut})
def identity_submit(
    request,
    document: File[UploadedFile],
    document_type: Form[DocumentTypeChoice],
    real_name: Form[str],
    id_number: Form[str],
):
    """Submit for verification (multipart: ``document`` image plus the three fields)."""
    services.identity_submit(
        user=request.user,
        document_type=document_type,
        real_name=real_name,
        id_number=id_number,
        document=document,
    )
    return Status(201, _identity(request.user))


@router.get("/skill-tests", response=list[SkillTestOut])
def skill_test_list(request):
    return [
        {
            "id": state.test.pk,
            "kind": state.test.kind,
            "skill": state.test.skill,
            "pass_percent": state.test.pass_percent,
            "time_limit_minutes": state.test.time_limit_minutes,
            "questions_per_attempt": state.test.questions_per_attempt,
            "cooldown_days": state.test.cooldown_days,
            "state": state.state,
            "retry_at": state.retry_at,
            "open_attempt_id": state.open_attempt_id,
            "score_percent": state.score_percent,
        }
        for state in selectors.skill_tests_for(user=request.user)
    ]


@router.post("/skill-tests/{test_id}/attempts", response={201: AttemptOut})
def attempt_start(request, test_id: int):
    attempt = services.attempt_start(user=request.user, test_id=test_id)
    return Status(201, _attempt(selectors.attempt_of(user=request.user, attempt_id=attempt.pk)))


@router.post("/attempts/{attempt_id}/answers", response=AttemptOut)
def attempt_submit(request, attempt_id: int, payload: AnswersIn):
    """Submit every answer at once; unanswered questions count as wrong."""
    answers = [services.Answer(**answer.dict()) for answer in payload.answers]
    services.attempt_submit(user=request.user, attempt_id=attempt_id, answers=answers)
    return _attempt(selectors.attempt_of(user=request.user, attempt_id=attempt_id))


@router.get("/attempts/{attempt_id}", response=AttemptOut)
def attempt_detail(request, attempt_id: int):
    return _attempt(selectors.attempt_of(user=request.user, attempt_id=attempt_id))
