"""Reminders before a milestone is approved automatically: the client hears once, live and by
e-mail in their language, ``REMIND_BEFORE`` the auto-approval time. The reminder is recorded
under the locks (contract, then milestone) and the e-mail sent after commit, so a slow mail
server never holds a milestone and a rolled-back run sends nothing."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from jiedan.core.links import absolute_url

from .. import locks
from ..models import Milestone, MilestoneStatus
from .common import notify
from .milestones import REMIND_BEFORE


def _email(milestone_id: int) -> None:
    milestone = Milestone.objects.select_related("contract__client").get(pk=milestone_id)
    client = milestone.contract.client
    with translation.override(client.language or None):
        context = {
            "milestone": milestone,
            "contract": milestone.contract,
            "url": absolute_url("contracts:detail", args=(milestone.contract_id,)),
        }
        subject = render_to_string("contracts/email/auto_approve_subject.txt", context).strip()
        body = render_to_string("contracts/email/auto_approve_body.txt", context)
    send_mail(subject, body, None, [client.email])


@transaction.atomic
def milestone_remind(*, milestone_id: int, now) -> bool:
    contract_id = (
        Milestone.objects.filter(pk=milestone_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        return False
    locks.contracts().get(pk=contract_id)
    milestone = locks.milestones().get(pk=milestone_id)
    due = (
        milestone.status == MilestoneStatus.SUBMITTED
        and milestone.reminded_at is None
        and milestone.auto_approve_at <= now + REMIND_BEFORE
    )
    if not due:
        return False
    transaction.on_commit(lambda: _email(milestone_id))
    milestone.reminded_at = now
    milestone.save(update_fields=["reminded_at", "updated_at"])
    notify(
        milestone.contract,
        actor=milestone.contract.freelancer,
        event="milestone.auto_approve_soon",
        milestone_id=milestone.pk,
    )
    return True


def milestone_reminders_send(*, now=None, limit: int = 500) -> int:
    """Remind the client of every submission approaching auto-approval; returns how many."""
    now = now or timezone.now()
    due = Milestone.objects.filter(
        status=MilestoneStatus.SUBMITTED,
        reminded_at__isnull=True,
        auto_approve_at__lte=now + REMIND_BEFORE,
    ).order_by("auto_approve_at", "pk")
    return sum(
        milestone_remind(milestone_id=pk, now=now)
        for pk in due.values_list("pk", flat=True)[:limit]
    )
