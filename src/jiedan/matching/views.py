"""Assistant pages: the brief builder, the price check and the live budget panel of the
project form. Thin: form in, one assistant call, template out. They save nothing but the
brief handed to the post form (in the session)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .assistants.brief import brief_propose
from .assistants.handoff import brief_handoff_store
from .assistants.pricing import min_comparables, pricing_suggestion
from .forms import BriefForm, BriefNeedForm, PricingForm, pricing_ask
from .panels import budget_panel_context


def _brief_page(request, need_form, brief=None, brief_form=None):
    context = {
        "need_form": need_form,
        "brief": brief,
        "brief_form": brief_form,
        "min_count": min_comparables(),
    }
    return render(request, "matching/brief.html", context)


@login_required
def brief(request):
    """GET: describe the need. POST: the proposed brief, every part editable."""
    if request.method != "POST":
        return _brief_page(request, BriefNeedForm())
    need_form = BriefNeedForm(request.POST)
    if not need_form.is_valid():
        return _brief_page(request, need_form)
    data = need_form.cleaned_data
    proposal = brief_propose(need=data["need"], currency=data["currency"], budget=data["budget"])
    return _brief_page(request, need_form, proposal, BriefForm.for_brief(proposal))


@login_required
@require_POST
def brief_use(request):
    """ "Use this brief": the edited brief opens the project post form, filled in."""
    form = BriefForm(request.POST)
    if not form.is_valid():
        need_form = BriefNeedForm(initial={"need": request.POST.get("description", "")})
        return _brief_page(request, need_form, brief_form=form)
    return redirect(brief_handoff_store(request, form.project_initial()))


@login_required
def pricing(request):
    """The price check: GET with ``text``, ``category`` (slug) and ``currency``, or a POST
    of the project form (its "Suggest a budget" button without JavaScript)."""
    if request.method == "POST":
        ask = pricing_ask(request.POST)
        initial = {"text": ask.text, "currency": ask.currency, "category": ask.category}
        form = PricingForm(initial=initial)
    else:
        form = PricingForm(request.GET or None)
        ask = form.ask() if form.is_valid() else None
    suggestion = None
    if ask is not None:
        suggestion = pricing_suggestion(text=ask.text, currency=ask.currency, category=ask.category)
    context = {
        "form": form,
        "asked": ask is not None and bool(ask.text),
        "suggestion": suggestion,
        "min_count": min_comparables(),
    }
    return render(request, "matching/pricing.html", context)


@login_required
@require_GET
def budget_panel(request):
    """The project form's budget panel for what is typed now (htmx, as the fields change)."""
    return render(request, "matching/_budget_panel.html", budget_panel_context(request.GET))
