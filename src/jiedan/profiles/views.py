"""Profile pages: public profiles of freelancers and clients; the owner's editor.

Thin: forms in, one service call, redirect. The editor is one page of small forms, each
posting to its own address, so every part works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound
from jiedan.core.public_pages import public_page

from . import selectors, services
from .forms import (
    AvatarForm,
    CertificationForm,
    ClientProfileForm,
    ContactsForm,
    FreelancerFilterForm,
    PortfolioFileForm,
    PortfolioItemForm,
    ProfileDetailsForm,
    SkillsForm,
)


def _not_found(error: NotFound):
    return Http404(error.message)


@public_page
def freelancer_browse(request):
    """Find freelancers: public profiles by need, rating and level, best rated first."""
    form = FreelancerFilterForm(request.GET)
    page = selectors.freelancer_page(filters=form.filters(), page=request.GET.get("page"))
    return render(request, "profiles/browse.html", {"form": form, "page": page})


@public_page
def freelancer_detail(request, user_id: int):
    try:
        profile = selectors.freelancer_profile_for_viewer(user_id=user_id, viewer=request.user)
    except NotFound as error:
        raise _not_found(error) from error
    context = {
        "profile": profile,
        "is_owner": request.user.pk == profile.user_id,
        "badges": selectors.profile_badges(user_id=profile.user_id),
    }
    return render(request, "profiles/freelancer_detail.html", context)


@public_page
def client_detail(request, user_id: int):
    try:
        profile = selectors.client_profile_for_viewer(user_id=user_id)
    except NotFound as error:
        raise _not_found(error) from error
    context = {"profile": profile, "badges": selectors.profile_badges(user_id=profile.user_id)}
    return render(request, "profiles/client_detail.html", context)


def _editor(request, **forms):
    profile = selectors.freelancer_profile_of(user=request.user)
    if profile is None:
        services.freelancer_profile_ensure(user=request.user)
        profile = selectors.freelancer_profile_of(user=request.user)
    context = {
        "profile": profile,
        "completeness": selectors.profile_completeness(profile),
        "details_form": ProfileDetailsForm.for_profile(profile),
        "avatar_form": AvatarForm(),
        "skills_form": SkillsForm(),
        "contacts_form": ContactsForm(initial=selectors.contacts_of(profile)),
        "certification_form": CertificationForm(),
        **forms,
    }
    status = 400 if forms else 200
    return render(request, "profiles/edit.html", context, status=status)


def _saved(request, anchor: str):
    messages.success(request, _("Saved."))
    return redirect(reverse("profiles:edit") + f"#{anchor}")


@login_required
def edit(request):
    """The editor: GET shows every section; POST saves the main details."""
    if request.method != "POST":
        return _editor(request)
    form = ProfileDetailsForm(request.POST)
    if form.is_valid():
        try:
            details = services.ProfileDetails(**form.cleaned_data)
            services.freelancer_profile_update(user=request.user, details=details)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _saved(request, "details")
    return _editor(request, details_form=form)


@login_required
@require_POST
def photo(request):
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.freelancer_avatar_set(user=request.user, upload=form.cleaned_data["photo"])
        except DomainError as error:
            form.add_error("photo", error.message)
        else:
            return _saved(request, "photo")
    return _editor(request, avatar_form=form)


@login_required
@require_POST
def skills(request):
    form = SkillsForm(request.POST)
    if form.is_valid():
        current = selectors.skill_ids_of(user=request.user)
        chosen = {skill.pk for skill in form.cleaned_data["skills"]}
        ordered = [pk for pk in current if pk in chosen] + sorted(chosen - set(current))
        try:
            services.freelancer_skills_set(user=request.user, skill_ids=ordered)
        except DomainError as error:
            form.add_error("skills", error.message)
        else:
            return _saved(request, "skills")
    return _editor(request, skills_form=form)


@login_required
@require_POST
def skill_move_up(request, skill_id: int):
    """Move one skill a place earlier: the first skills are the ones clients see first."""
    order = selectors.skill_ids_of(user=request.user)
    if skill_id in order and order.index(skill_id) > 0:
        at = order.index(skill_id)
        order[at - 1], order[at] = order[at], order[at - 1]
        services.freelancer_skills_set(user=request.user, skill_ids=order)
    return redirect(reverse("profiles:edit") + "#skills")


@login_required
@require_POST
def contacts(request):
    form = ContactsForm(request.POST)
    if form.is_valid():
        services.freelancer_contacts_update(
            user=request.user, contacts=services.ContactDetails(**form.cleaned_data)
        )
        return _saved(request, "contacts")
    return _editor(request, contacts_form=form)


@login_required
@require_POST
def certification_add(request):
    form = CertificationForm(request.POST)
    if form.is_valid():
        try:
            services.certification_add(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _saved(request, "certifications")
    return _editor(request, certification_form=form)


@login_required
@require_POST
def certification_remove(request, certification_id: int):
    try:
        services.certification_remove(user=request.user, certification_id=certification_id)
    except NotFound as error:
        raise _not_found(error) from error
    return _saved(request, "certifications")


def _item_details(form: PortfolioItemForm) -> services.PortfolioDetails:
    data = form.cleaned_data
    return services.PortfolioDetails(
        title=data["title"],
        challenge=data["challenge"],
        solution=data["solution"],
        result=data["result"],
        category_id=data["category"].pk if data["category"] else None,
        skill_ids=[skill.pk for skill in data["skills"]],
    )


@login_required
def portfolio_item_new(request):
    form = PortfolioItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.portfolio_item_create(user=request.user, details=_item_details(form))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Portfolio item added. Now add images or files."))
            return redirect("profiles:portfolio_item", item_id=item.pk)
    return render(request, "profiles/portfolio_item.html", {"form": form, "item": None})


@login_required
def portfolio_item(request, item_id: int):
    try:
        item = selectors.portfolio_item_of(user=request.user, item_id=item_id)
    except NotFound as error:
        raise _not_found(error) from error
    form = PortfolioItemForm.for_item(item, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.portfolio_item_update(
                user=request.user, item_id=item.pk, details=_item_details(form)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("profiles:portfolio_item", item_id=item.pk)
    context = {"form": form, "item": item, "file_form": PortfolioFileForm()}
    return render(request, "profiles/portfolio_item.html", context)


@login_required
@require_POST
def portfolio_item_delete(request, item_id: int):
    try:
        services.portfolio_item_delete(user=request.user, item_id=item_id)
    except NotFound as error:
        raise _not_found(error) from error
    return _saved(request, "portfolio")


@login_required
@require_POST
def portfolio_file_add(request, item_id: int):
    form = PortfolioFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.portfolio_file_add(
                user=request.user, item_id=item_id, upload=form.cleaned_data["file"]
            )
        except NotFound as error:
            raise _not_found(error) from error
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("File added."))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("profiles:portfolio_item", item_id=item_id)


@login_required
@require_POST
def portfolio_file_remove(request, file_id: int):
    try:
        item_id = selectors.portfolio_file_of(user=request.user, file_id=file_id).item_id
        services.portfolio_file_remove(user=request.user, file_id=file_id)
    except NotFound as error:
        raise _not_found(error) from error
    messages.success(request, _("File removed."))
    return redirect("profiles:portfolio_item", item_id=item_id)


@login_required
def portfolio_file_original(request, file_id: int):
    """The untouched original, for its owner only (others get the public preview)."""
    try:
        record = selectors.portfolio_file_of(user=request.user, file_id=file_id)
    except NotFound as error:
        raise _not_found(error) from error
    response = FileResponse(
        record.original.open("rb"), as_attachment=True, filename=record.original_name
    )
    response["Content-Type"] = record.content_type
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def client_edit(request):
    profile = selectors.client_profile_of(user=request.user)
    initial = {
        "company_name": profile.company_name,
        "about": profile.about,
        "city": profile.city,
        "website": profile.website,
    }
    form = ClientProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_profile_update(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("profiles:client_edit")
    return render(request, "profiles/client_edit.html", {"form": form, "profile": profile})
