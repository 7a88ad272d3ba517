"""Trust pages: the person's account status and appeals, reporting a project, the device
fingerprint endpoint, and the moderators' review queue. Thin: forms in, services out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError

from . import selectors, services
from .forms import AppealForm, DecisionForm, LiftForm, ProjectReportForm, QueueFilterForm
from .geoip import request_country
from .models import QueueStatus
from .rules import RULES, thresholds
from .services.queue import DECISIONS

SESSION_FLAG = "trust_device"
PAGE_SIZE = 50


# ---------------------------------------------------------------- the person


@login_required
def account(request):
    """Active and past actions on the person's account, in plain words, with "Appeal"."""
    enforcements = selectors.account_status(request.user)
    rows = [(e, selectors.has_open_appeal(e)) for e in enforcements]
    return render(request, "trust/account.html", {"rows": rows, "form": AppealForm()})


@login_required
@require_POST
def appeal(request, enforcement_id: int):
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_submit(
                user=request.user, enforcement_id=enforcement_id, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your appeal was sent. A moderator will answer."))
    else:
        messages.error(request, _("Write why the action is wrong."))
    return redirect("trust:account")


@login_required
@require_POST
def report_project(request, project_id: int):
    form = ProjectReportForm(request.POST)
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    if form.is_valid():
        try:
            services.project_report(
                reporter=request.user, project_id=project_id, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. Moderators will look at this project."))
    else:
        messages.error(request, _("Choose what is wrong with this project."))
    return redirect(target)


@login_required
@require_POST
def fingerprint(request):
    """The browser's trait hash, once per session (``trust/fingerprint.js``)."""
    try:
        services.fingerprint_record(
            user=request.user,
            session_key=request.session.session_key or "",
            device_hash=request.POST.get("hash", ""),
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            country=request_country(request),
        )
    except DomainError as error:
        return JsonResponse({"code": error.code}, status=error.status)
    request.session[SESSION_FLAG] = True
    return JsonResponse({"ok": True})


# ---------------------------------------------------------------- moderators


def _moderator(request):
    if not request.user.is_authenticated or not selectors.can_use_queue(request.user):
        raise Http404


@login_required
def queue(request):
    """One list over every source, oldest first, filtered by kind and status."""
    _moderator(request)
    form = QueueFilterForm(request.GET or None)
    kind, status = "", ""
    if form.is_valid():
        kind, status = form.cleaned_data["kind"], form.cleaned_data["status"]
    items = selectors.queue_list(
        viewer=request.user, kind=kind, status="" if status == "all" else status
    )
    if not status:
        items = items.exclude(status=QueueStatus.DECIDED)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trust/queue.html", {"form": form, "page": page})


@login_required
def queue_item(request, item_id: int):
    _moderator(request)
    item = selectors.queue_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404
    form = DecisionForm(decisions=DECISIONS[item.source_kind])
    context = {
        "item": item,
        "form": form,
        "events": list(item.events.all()),
        **selectors.queue_source_facts(item),
    }
    return render(request, "trust/queue_item.html", context)


def _queue_action(request, item_id: int, run, success: str):
    _moderator(request)
    try:
        run()
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("trust:queue_item", item_id=item_id)


@login_required
@require_POST
def queue_claim(request, item_id: int):
    return _queue_action(
        request,
        item_id,
        lambda: services.queue_claim(item_id=item_id, actor=request.user),
        _("You are working on this item."),
    )


@login_required
@require_POST
def queue_release(request, item_id: int):
    return _queue_action(
        request,
        item_id,
        lambda: services.queue_release(item_id=item_id, actor=request.user),
        _("The item is back in the queue."),
    )


@login_required
@require_POST
def queue_decide(request, item_id: int):
    _moderator(request)
    item = selectors.queue_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404
    form = DecisionForm(request.POST, decisions=DECISIONS[item.source_kind])
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give the reason."))
        return redirect("trust:queue_item", item_id=item_id)
    return _queue_action(
        request,
        item_id,
        lambda: services.queue_decide(item_id=item_id, actor=request.user, **form.cleaned_data),
        _("Decision recorded."),
    )


@login_required
@require_POST
def queue_refresh(request):
    _moderator(request)
    added = services.queue_sync()
    messages.success(request, _("%(n)s new items.") % {"n": added})
    return redirect("trust:queue")


@login_required
def person(request, user_id: int):
    """A person's risk hits, actions and queue items."""
    _moderator(request)
    history = selectors.person_history(user_id=user_id)
    context = {"person_id": user_id, "lift_form": LiftForm(), **history}
    return render(request, "trust/person.html", context)


@login_required
@require_POST
def enforcement_lift(request, enforcement_id: int):
    _moderator(request)
    form = LiftForm(request.POST)
    user_id = request.POST.get("user_id", "")
    if form.is_valid():
        try:
            services.enforcement_lift(
                enforcement_id=enforcement_id,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The action was lifted."))
    else:
        messages.error(request, _("Say why the action is lifted."))
    if user_id.isdigit():
        return redirect("trust:person", user_id=int(user_id))
    return redirect("trust:queue")


@login_required
def rules(request):
    """The risk rules with their scores and thresholds."""
    _moderator(request)
    rows = [(rule, rule.params()) for rule in RULES.values()]
    return render(request, "trust/rules.html", {"rows": rows, "thresholds": thresholds()})
