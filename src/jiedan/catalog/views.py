"""Catalogue pages: browse, service page, checkout and order, the owner's services and the
moderators' page. Thin: forms in, one service or selector call, template out. Someone else's
service or order is a 404 whatever the id, and nothing changes."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.contracts.services import contract_offer_from_order
from jiedan.core.errors import DomainError, NotFound
from jiedan.core.public_pages import public_page

from . import selectors, services
from .forms import (
    ModerationForm,
    OrderCancelForm,
    OrderChoiceForm,
    OrderConfirmForm,
    ServiceEditor,
    ServiceFilterForm,
)
from .models import OrderStatus, Status


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


@public_page
def browse(request):
    form = ServiceFilterForm(request.GET)
    page = selectors.service_page(filters=form.filters(), page=request.GET.get("page"))
    return render(request, "catalog/browse.html", {"form": form, "page": page})


@public_page
def detail(request, service_id: int):
    service = _or_404(selectors.service_for_viewer, service_id=service_id, viewer=request.user)
    is_owner = request.user.pk == service.owner_id
    can_moderate = selectors.can_moderate(request.user)
    context = {
        "service": service,
        "tiers": service.tier_list,
        "is_owner": is_owner,
        "can_moderate": can_moderate,
        "missing": selectors.service_missing_for_publish(service=service) if is_owner else [],
        "history": selectors.service_history(service=service) if can_moderate else [],
    }
    return render(request, "catalog/detail.html", context)


@login_required
def checkout(request, service_id: int):
    """GET: the quote for the chosen tier and extras. POST: place the order (idempotent)."""
    service = _or_404(selectors.service_public_detail, service_id=service_id)
    form_class = OrderConfirmForm if request.method == "POST" else OrderChoiceForm
    form = form_class(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a tier to order."))
        return redirect("catalog:detail", service_id=service.pk)
    choice = {"tier_level": form.cleaned_data["tier"], "extra_ids": form.cleaned_data["extras"]}
    if request.method == "POST":
        try:
            placed = services.service_order_place(
                buyer=request.user,
                service_id=service.pk,
                idempotency_key=form.cleaned_data["idempotency_key"],
                expected_total=form.cleaned_data["expected_total"],
                **choice,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if placed.created:
                messages.success(request, _("Your order is placed."))
            return _order_contract(request, placed.order)
    try:
        quote = selectors.order_quote(service=service, **choice)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("catalog:detail", service_id=service.pk)
    context = {
        "service": service,
        "quote": quote,
        "own_service": service.owner_id == request.user.pk,
        "idempotency_key": uuid.uuid4().hex,
    }
    return render(request, "catalog/checkout.html", context)


def _order_contract(request, order):
    """Offer the seller a contract on a placed order's terms and go to it (the contract page,
    also when the order already has one); if the offer is refused, the order page says why
    and offers it again."""
    if order.contract_id is None and order.status == OrderStatus.PLACED:
        try:
            contract = contract_offer_from_order(
                buyer=request.user, order_id=order.pk, ip_address=request.META.get("REMOTE_ADDR")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("contracts:detail", contract_id=contract.pk)
    if order.contract_id is not None:
        return redirect("contracts:detail", contract_id=order.contract_id)
    return redirect("catalog:order_detail", order_id=order.pk)


@login_required
def order_detail(request, order_id: int):
    order = _or_404(selectors.order_for_party, order_id=order_id, user=request.user)
    context = {"order": order, "cancel_form": OrderCancelForm()}
    return render(request, "catalog/order_detail.html", context)


@login_required
@require_POST
def order_cancel(request, order_id: int):
    form = OrderCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.service_order_cancel(actor=request.user, order_id=order_id, reason=reason)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("catalog:order_detail", order_id=order_id)


@login_required
def mine(request):
    return render(
        request,
        "catalog/mine.html",
        {"services": selectors.services_of_owner(owner=request.user), "Status": Status},
    )


@login_required
def edit(request, service_id: int | None = None):
    """Create a service (no id) or edit one of the user's own."""
    service = None
    if service_id is not None:
        service = _or_404(selectors.service_of_owner, owner=request.user, service_id=service_id)
    editor = ServiceEditor(request.POST or None, request.FILES or None, service=service)
    if request.method == "POST" and editor.is_valid():
        try:
            if service is None:
                service = services.service_create(
                    owner=request.user, details=editor.details(), cover=editor.cover
                )
            else:
                services.service_update(
                    owner=request.user,
                    service_id=service.pk,
                    details=editor.details(),
                    cover=editor.cover,
                )
        except DomainError as error:
            editor.add_error(error.message)
        else:
            messages.success(request, _("Your service is saved."))
            return redirect("catalog:edit", service_id=service.pk)
    missing = selectors.service_missing_for_publish(service=service) if service else []
    context = {"editor": editor, "service": service, "missing": missing}
    return render(request, "catalog/edit.html", context)


def _owner_action(request, service_id: int, action, done_message: str):
    try:
        action(owner=request.user, service_id=service_id)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("catalog:mine")


@login_required
@require_POST
def publish(request, service_id: int):
    return _owner_action(
        request, service_id, services.service_publish, _("Your service is published.")
    )


@login_required
@require_POST
def pause(request, service_id: int):
    return _owner_action(request, service_id, services.service_pause, _("Your service is paused."))


def _moderator_only(request) -> None:
    if not selectors.can_moderate(request.user):
        raise DjangoPermissionDenied


@login_required
def moderation(request):
    _moderator_only(request)
    status = request.GET.get("status") or Status.PUBLISHED
    services_list = selectors.moderation_services(
        status=status if status in Status.values else None
    )
    context = {"services": services_list[:100], "status": status, "statuses": Status.choices}
    return render(request, "catalog/moderation.html", context)


@login_required
def moderate(request, service_id: int):
    """A moderator unpublishes a service with a reason the owner sees."""
    _moderator_only(request)
    service = _or_404(selectors.service_for_viewer, service_id=service_id, viewer=request.user)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_unpublish(
                moderator=request.user, service_id=service.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The service is unpublished; its owner sees your reason."))
            return redirect("catalog:moderation")
    context = {
        "service": service,
        "form": form,
        "history": selectors.service_history(service=service),
    }
    return render(request, "catalog/moderate.html", context)
