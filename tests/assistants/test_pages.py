"""Assistant pages and what they add to other pages: the brief builder and its hand-over to
the post form, the price check, the project form's budget panel, the price range on the
proposal form, and risk warnings on the offer — in both languages, in bounded queries."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.contracts.models import Contract
from jiedan.matching.assistants.handoff import SESSION_KEY
from jiedan.projects.models import Project
from jiedan.proposals.services import proposal_hire
from tests.contracts.factories import active_contract, offered_contract
from tests.factories import UserFactory
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on

from .factories import LOGO_DESCRIPTION, category, completed_deal, embedded, logo_deals

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]
WEBSITE_ZH = "需要做个企业网站，有产品展示和在线留言"
LANDING = "We need a responsive landing page with 3 pages and a contact form included."


def signed_in(user=None) -> Client:
    client = Client()
    client.force_login(user or UserFactory())
    return client


def url(name, *args, lang="en", query=""):
    with translation.override(lang):
        return reverse(name, args=args) + query


def brief_post(**overrides) -> dict:
    data = {
        "title": "企业网站",
        "description": WEBSITE_ZH,
        "category": str(category("development").pk),
        "deliverables": "功能：产品展示\n响应式网站，适配手机",
        "currency": "CNY",
        "budget_min": "8000",
        "budget_max": "12000",
        "expected_duration": "1_3m",
        "milestone_1_title": "需求与设计确认",
        "milestone_1_percent": "20",
        "milestone_2_title": "开发完成",
        "milestone_2_percent": "80",
    }
    return {**data, **overrides}


# --- the brief builder ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_brief_page_renders_in_both_languages(lang, django_assert_max_num_queries):
    web = signed_in()
    with django_assert_max_num_queries(6):
        response = web.get(url("assist:brief", lang=lang))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert 'name="need"' in html


@pytest.mark.parametrize(
    "lang, category_name, skill_name, checklist",
    [
        ("zh-hans", "软件开发", "网站开发", "响应式网站，适配手机"),
        ("en", "Development &amp; IT", "Website development", "A responsive site that works on"),
    ],
)
def test_a_need_becomes_an_editable_brief(
    lang, category_name, skill_name, checklist, django_assert_max_num_queries
):
    # given a client on the brief builder
    web = signed_in()
    # when they describe a company website in Chinese
    with django_assert_max_num_queries(14):
        response = web.post(url("assist:brief", lang=lang), {"need": WEBSITE_ZH, "currency": "CNY"})
    # then the proposed category, skill and checklist are shown, ready to edit
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<dd data-brief="category">{category_name}</dd>' in html
    assert skill_name in html
    assert checklist in html
    assert "产品展示" in html
    assert "data-price-range-missing" in html
    form = response.context["brief_form"]
    assert form.initial["title"] == "企业网站"
    assert form.initial["category"] == category("development").pk
    assert form.initial["milestone_1_percent"] == 20
    assert url("assist:brief_use", lang=lang) in html


def test_the_brief_starts_from_the_budget_the_client_gave():
    data = {"need": WEBSITE_ZH, "currency": "CNY", "budget": "9000"}
    response = signed_in().post(url("assist:brief"), data)
    form = response.context["brief_form"]
    assert form.initial["budget_min"] == form.initial["budget_max"] == Decimal("9000.00")
    assert [m.amount for m in response.context["brief"].milestones] == [
        Decimal("1800.00"),
        Decimal("4500.00"),
        Decimal("2700.00"),
    ]


def test_an_empty_need_is_refused_with_the_form_kept():
    response = signed_in().post(url("assist:brief"), {"need": " ", "currency": "CNY"})
    assert response.status_code == 200
    assert response.context["brief"] is None
    assert response.context["need_form"].errors["need"]


def test_use_this_brief_opens_the_post_form_filled_in():
    # given a client who edited a proposed brief
    web = signed_in()
    # when they use it
    response = web.post(url("assist:brief_use"), brief_post())
    # then the post form opens, filled in from the brief, and nothing is posted yet
    assert response.status_code == 302
    assert response.url == url("projects:create", query="?brief=1")
    page = web.get(response.url)
    form = page.context["form"]
    assert form.initial["title"] == "企业网站"
    assert form.initial["category"] == category("development").pk
    assert form.initial["budget_min"] == "8000" and form.initial["budget_max"] == "12000"
    assert form.initial["expected_duration"] == "1_3m"
    description = form.initial["description"]
    assert description.startswith(WEBSITE_ZH)
    assert "- 功能：产品展示\n- 响应式网站，适配手机" in description
    assert "- 20% 需求与设计确认\n- 80% 开发完成" in description
    html = page.content.decode()
    assert 'value="企业网站"' in html
    assert not Project.objects.exists()


def test_the_post_form_starts_empty_without_the_brief_flag():
    web = signed_in()
    web.post(url("assist:brief_use"), brief_post())
    form = web.get(url("projects:create")).context["form"]
    assert form.initial == {}


def test_shares_that_do_not_add_up_are_refused_and_nothing_is_handed_over():
    web = signed_in()
    response = web.post(url("assist:brief_use"), brief_post(milestone_2_percent="70"))
    assert response.status_code == 200
    assert response.context["brief_form"].non_field_errors()
    assert SESSION_KEY not in web.session


def test_the_assistant_pages_need_a_signed_in_person():
    for name in ("assist:brief", "assist:pricing", "assist:budget_panel"):
        response = Client().get(url(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url


# --- price check and the budget panel -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_price_check_shows_the_range_and_the_count(
    lang, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # given five logo deals paid 1,000 to 3,000
    logo_deals(["1000", "1200", "1500", "2000", "3000"])
    embedded(django_capture_on_commit_callbacks)
    web = signed_in()
    query = "?text=Logo+design+for+a+coffee+shop&category=design&currency=CNY"
    # session, user, category (checked, then listed), deal ids, their prices, the header's
    # counts; and reading new vectors into the index when they changed
    with django_assert_max_num_queries(10):
        response = web.get(url("assist:pricing", lang=lang, query=query))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="5"' in html
    assert "¥1,200.00" in html and "¥1,500.00" in html and "¥2,000.00" in html
    if lang == "en":
        assert "were paid ¥1,200.00–¥2,000.00 (median ¥1,500.00), from 5 projects." in html


def test_the_price_check_says_when_there_are_too_few():
    logo_deals(["1000", "1200"])
    response = signed_in().get(url("assist:pricing", query="?text=Logo+design&currency=CNY"))
    html = response.content.decode()
    assert "data-price-range-missing" in html
    assert "Not enough similar completed projects yet" in html
    assert "data-price-range " not in html


def test_the_price_check_takes_the_project_form_without_javascript(
    django_capture_on_commit_callbacks,
):
    # given five logo deals
    logo_deals(["1000", "1200", "1500", "2000", "3000"])
    embedded(django_capture_on_commit_callbacks)
    # when the project form's "Suggest a budget" button posts it here
    data = {
        "title": "Logo design for a coffee shop",
        "description": "",
        "category": str(category("design").pk),
        "currency": "CNY",
        "budget_type": "fixed",
    }
    response = signed_in().post(url("assist:pricing"), data)
    # then the range is shown, and the form is filled in with the text
    html = response.content.decode()
    assert 'data-count="5"' in html
    assert response.context["form"].initial["text"] == "Logo design for a coffee shop"


def test_the_budget_panel_follows_the_project_form(django_capture_on_commit_callbacks):
    logo_deals(["1000", "1200", "1500", "2000", "3000"])
    embedded(django_capture_on_commit_callbacks)
    web = signed_in()
    panel = url("assist:budget_panel")
    fixed = {"title": "Logo design for a coffee shop", "currency": "CNY", "budget_type": "fixed"}
    html = web.get(panel, fixed).content.decode()
    assert 'id="budget-panel"' in html and 'data-count="5"' in html
    hourly = web.get(panel, {**fixed, "budget_type": "hourly"}).content.decode()
    assert "fixed-price projects only" in hourly
    empty = web.get(panel, {"currency": "CNY"}).content.decode()
    assert "Write a title and a description" in empty
    few = web.get(panel, {**fixed, "currency": "USD"}).content.decode()
    assert "data-price-range-missing" in few


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_project_form_has_the_budget_panel(
    lang, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # given five logo deals and a client's draft logo project
    logo_deals(["1000", "1200", "1500", "2000", "3000"])
    embedded(django_capture_on_commit_callbacks)
    project = open_project(
        title="Logo design for a coffee shop",
        description=LOGO_DESCRIPTION,
        category=category("design"),
    )
    web = signed_in(project.client)
    # when the client opens a new project form and the draft's edit form
    new = web.get(url("projects:create", lang=lang)).content.decode()
    with django_assert_max_num_queries(16):
        response = web.get(url("projects:edit", project.pk, lang=lang))
    # then the new form has the live panel, and the draft's shows the range at once
    assert 'id="budget-panel"' in new and url("assist:budget_panel", lang=lang) in new
    assert 'formaction="{}"'.format(url("assist:pricing", lang=lang)) in new
    html = response.content.decode()
    assert 'id="budget-panel"' in html and 'data-count="5"' in html


# --- the proposal form ----------------------------------------------------------------------


def test_the_proposal_form_shows_what_similar_projects_were_paid(
    django_capture_on_commit_callbacks,
):
    # given five logo deals and an open fixed-price logo project
    logo_deals(["1000", "1200", "1500", "2000", "3000"])
    embedded(django_capture_on_commit_callbacks)
    project = open_project(
        title="Logo design for a coffee shop",
        description=LOGO_DESCRIPTION,
        category=category("design"),
    )
    # when a freelancer opens the proposal form
    response = signed_in().get(url("proposals:propose", project.pk))
    # then it says what similar projects were paid, from how many
    html = response.content.decode()
    assert "Similar completed projects were paid ¥1,200.00–¥2,000.00" in html
    assert "from 5 projects" in html


def test_the_proposal_form_says_nothing_of_prices_for_hourly_work():
    logo_deals(["1000", "1200", "1500", "2000", "3000"])
    project = open_project(title="Logo design", budget_type="hourly", category=category("design"))
    html = signed_in().get(url("proposals:propose", project.pk)).content.decode()
    assert "data-price-range" not in html


def test_the_proposal_form_says_when_too_few_projects_compare():
    project = open_project(title="Logo design", category=category("design"))
    html = signed_in().get(url("proposals:propose", project.pk)).content.decode()
    assert "Not enough similar completed projects yet" in html


# --- risk warnings on the offer -------------------------------------------------------------


def _landing_deals(capture, price="6000"):
    for n in range(5):
        completed_deal(
            title=f"Build a bilingual landing page {n}",
            description=LANDING,
            price=price,
            category_slug="development",
        )
    embedded(capture)


def _hired_landing_page():
    project = open_project(
        title="Build a bilingual landing page",
        description=LANDING,
        category=category("development"),
    )
    proposal = proposal_on(project)  # 1,500 CNY in 10 days
    return proposal_hire(client=project.client, proposal_id=proposal.pk)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_offer_page_warns_before_sending(lang, django_capture_on_commit_callbacks):
    # given deals paid 6,000 for the same work, and a hired proposal at 1,500
    _landing_deals(django_capture_on_commit_callbacks)
    proposal = _hired_landing_page()
    web = signed_in(proposal.project.client)
    # when the client opens the offer (prefilled with no deliverables)
    html = web.get(url("contracts:offer", proposal.pk, lang=lang)).content.decode()
    # then the risks are shown, and the offer can still be sent
    assert 'data-risk="no_deliverables"' in html
    assert 'data-risk="price_far_below"' in html
    assert 'name="send"' in html
    assert not Contract.objects.filter(source_id=proposal.pk).exists()


def test_the_offer_warnings_follow_what_is_typed(django_capture_on_commit_callbacks):
    _landing_deals(django_capture_on_commit_callbacks)
    proposal = _hired_landing_page()
    web = signed_in(proposal.project.client)
    data = {
        "scope": "A bilingual landing page with three pages and a contact form, responsive.",
        "deliverables": "Figma design\nResponsive site\nSource code",
        "revisions": "2",
        "deadline": "2099-01-31",
        "delay_policy": "renegotiate",
        "ip_transfer": "on_full_payment",
        "milestone_1_title": "Design",
        "milestone_1_amount": "2500.00",
        "milestone_2_title": "Build",
        "milestone_2_amount": "3500.00",
        "preview": "1",
    }
    html = web.post(url("contracts:offer", proposal.pk), data).content.decode()
    assert "data-risks" not in html
    one = {
        **data,
        "milestone_1_amount": "6000.00",
        "milestone_2_title": "",
        "milestone_2_amount": "",
    }
    html = web.post(url("contracts:offer", proposal.pk), one).content.decode()
    assert 'data-risk="single_large_milestone"' in html


def test_the_freelancer_sees_the_warnings_before_accepting():
    # given an offer with no deliverables, and a sound one
    risky = offered_contract(deliverables=[])
    sound = offered_contract()
    # then the first warns its freelancer (and its client), the second does not
    html = signed_in(risky.freelancer).get(url("contracts:detail", risky.pk)).content.decode()
    assert 'data-risk="no_deliverables"' in html
    html = signed_in(risky.client).get(url("contracts:detail", risky.pk)).content.decode()
    assert 'data-risk="no_deliverables"' in html
    html = signed_in(sound.freelancer).get(url("contracts:detail", sound.pk)).content.decode()
    assert "data-risks" not in html


def test_a_running_contract_shows_no_offer_warnings():
    contract = active_contract(deliverables=[])
    html = signed_in(contract.client).get(url("contracts:detail", contract.pk)).content.decode()
    assert "data-risks" not in html
    assert contract.terms.total == Decimal("1000.00")
