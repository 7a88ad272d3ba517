"""Change request pages: proposing new terms for a running contract (review, then send), and
accepting, declining or withdrawing a request from the contract page, where the open request
and the history of requests are shown (``detail_context``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, InvalidInput, NotFound
from jiedan.ledger.fees import fee_schedule

from .. import selectors, services
from ..forms import ChangeDeclineForm, ChangeForm
from ..models import FINAL, Contract, MilestoneStatus
from ..services.milestones import REVIEWING
from ..terms import terms_checked
from . import pages


def detail_context(contract: Contract, user) -> dict:
    """What the contract page shows of change requests: the open one with what it changes,
    whether the viewer may propose one, and every request, newest first."""
    history = selectors.contract_changes(contract=contract)
    open_change = selectors.open_change(history)
    return {
        "changes": history,
        "open_change": open_change,
        "change_decline_form": ChangeDeclineForm(prefix="change-decline"),
        "can_propose_change": contract.status in REVIEWING and open_change is None,
    }


def _rows(form: ChangeForm, contract: Contract) -> list[dict]:
    """The form's milestone rows with the milestone each keeps: a milestone no longer
    unfunded shows its title and amount read-only (and its due date too once settled)."""
    by_id = {milestone.pk: milestone for milestone in contract.milestones.all()}
    rows = []
    for row, fields in form.milestone_rows():
        id_field = form[f"milestone_{row}_id"]
        try:
            milestone = by_id.get(int(id_field.value()))
        except (TypeError, ValueError):
            milestone = None
        locked = milestone is not None and milestone.status != MilestoneStatus.UNFUNDED
        rows.append(
            {
                "row": row,
                "fields": fields,
                "id_field": id_field,
                "milestone": milestone,
                "locked": locked,
                "settled": locked and milestone.status in FINAL,
            }
        )
    return rows


def _preview(form: ChangeForm, contract: Contract, history: list):
    """The summary and what the typed terms change, or None with the reason as a form error."""
    details = form.details()
    try:
        doc = terms_checked(details, currency=contract.currency, today=timezone.localdate())
        summary = pages.offer_summary(
            details, currency=contract.currency, parties=contract.party_ids()
        )
    except InvalidInput as error:
        form.add_error(None, error.message)
        return None, None
    base = contract.terms
    base_ids = selectors.resolved_plans(contract, history).get(base.pk)
    return summary, selectors.terms_diff(base, doc, base_ids or [None] * len(base.milestones))


@login_required
def change_new(request, contract_id: int):
    """A party writes new terms for a running contract, starting from the current ones; the
    summary of what changes is shown, and "send" sends exactly what it showed."""
    contract = pages._or_404(
        selectors.contract_for_party, user=request.user, contract_id=contract_id
    )
    history = selectors.contract_changes(contract=contract)
    if contract.status not in REVIEWING or selectors.open_change(history) is not None:
        messages.error(request, _("This contract cannot take a change request now."))
        return redirect("contracts:detail", contract_id=contract.pk)
    if request.method == "POST":
        form = ChangeForm.from_post(request.POST)
    else:
        form = ChangeForm.for_terms(selectors.change_prefill(contract=contract))
    if "kind" in form.fields:
        form.fields["kind"].disabled = True
        form.fields["kind"].initial = contract.kind
    summary = diff = None
    if form.is_bound and form.is_valid():
        summary, diff = _preview(form, contract, history)
        if summary is not None and "send" in request.POST:
            if request.POST.get("reviewed") == summary.fingerprint:
                try:
                    services.change_propose(
                        actor=request.user,
                        contract_id=contract.pk,
                        details=form.details(),
                        reason=form.cleaned_data["reason"],
                        ip_address=pages._client_ip(request),
                    )
                except NotFound as error:
                    raise Http404(error.message) from error
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request, _("Your change request is sent. The other party answers it.")
                    )
                    return redirect("contracts:detail", contract_id=contract.pk)
            else:
                messages.warning(
                    request, _("The terms changed. Check the summary, then send them.")
                )
    context = {
        "contract": contract,
        "form": form,
        "rows": _rows(form, contract),
        "summary": summary,
        "diff": diff,
        "schedule": fee_schedule(),
    }
    return render(request, "contracts/change_new.html", context)


def _change_action(request, change_id: int, run, done: str):
    change = pages._or_404(selectors.change_for_party, user=request.user, change_id=change_id)
    return pages._act(request, change.contract_id, run, done)


@login_required
@require_POST
def change_accept(request, change_id: int):
    """Accept the proposed terms whose digest the page showed."""
    return _change_action(
        request,
        change_id,
        lambda: services.change_accept(
            actor=request.user,
            change_id=change_id,
            digest=request.POST.get("digest", ""),
            ip_address=pages._client_ip(request),
        ),
        _("You accepted the new terms: they apply from now on."),
    )


@login_required
@require_POST
def change_decline(request, change_id: int):
    form = ChangeDeclineForm(request.POST, prefix="change-decline")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _change_action(
        request,
        change_id,
        lambda: services.change_decline(actor=request.user, change_id=change_id, reason=reason),
        _("You declined the change request; the terms stay as they are."),
    )


@login_required
@require_POST
def change_withdraw(request, change_id: int):
    return _change_action(
        request,
        change_id,
        lambda: services.change_withdraw(actor=request.user, change_id=change_id),
        _("You withdrew your change request."),
    )
