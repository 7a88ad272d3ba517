"""The public project list: every filter alone and combined, sorting, facet counts, cursor
pagination, bad input on the browse page, the page's query count, and places of on-site work."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from jiedan.core import geo
from jiedan.core.errors import InvalidInput
from jiedan.profiles.models import ClientProfile
from jiedan.projects import selectors, services
from jiedan.projects.models import Project
from jiedan.projects.selectors import InvalidFilter, project_filters, project_page
from jiedan.verification.models import IdentitySubmission
from tests.factories import UserFactory

from .factories import CategoryFactory, ProjectFactory, SkillFactory, open_project

pytestmark = pytest.mark.django_db


def ids(**asked) -> list[int]:
    """Ids on the first page (up to 50) for filters given as query parameters."""
    now = asked.pop("now", None)
    page = project_page(filters=project_filters(**asked), per_page=50, now=now)
    return [project.pk for project in page.object_list]


def local_project(city_name: str, radius_km: int, **fields) -> Project:
    city = geo.city_lookup(city_name)
    return open_project(
        work_mode="local",
        city=city_name,
        radius_km=radius_km,
        latitude=city.latitude,
        longitude=city.longitude,
        **fields,
    )


def verified(user) -> None:
    """An approved identity submission written straight through the ORM (verification's
    services are tested in their own app)."""
    IdentitySubmission.objects.create(
        user=user,
        document_type="passport",
        real_name="李四",
        id_number="E12345678",
        document="identity/none.png",
        status=IdentitySubmission.Status.APPROVED,
    )


def rated(user, average: str, count: int = 10) -> None:
    ClientProfile.objects.create(user=user, rating_average=Decimal(average), rating_count=count)


def browse(params: dict, lang: str = "en"):
    return Client().get(f"/{lang}/projects/", params)


# ---------------------------------------------------------------- each filter alone


def test_category_filter():
    design, writing = CategoryFactory(), CategoryFactory()
    wanted = open_project(category=design)
    open_project(category=writing)
    assert ids(category=design.slug) == [wanted.pk]


def test_skills_filter_matches_any_of_the_skills_once():
    logo, web, seo = SkillFactory(), SkillFactory(), SkillFactory()
    both = open_project()
    both.skills.set([logo, web])
    only_web = open_project()
    only_web.skills.set([web])
    open_project().skills.set([seo])
    open_project()
    assert ids(skills=[logo.slug, web.slug]) == [only_web.pk, both.pk]


def test_budget_range_overlaps_in_the_same_currency():
    low = open_project(budget_min=Decimal("100"), budget_max=Decimal("500"))
    middle = open_project(budget_min=Decimal("800"), budget_max=Decimal("1500"))
    high = open_project(budget_min=Decimal("3000"), budget_max=Decimal("9000"))
    dollars = open_project(currency="USD", budget_min=Decimal("900"), budget_max=Decimal("1000"))
    assert ids(currency="CNY", budget_min="1000", budget_max="2000") == [middle.pk]
    assert ids(currency="CNY", budget_min="500") == [high.pk, middle.pk, low.pk]
    assert ids(currency="CNY", budget_max="799.99") == [low.pk]
    assert ids(currency="USD") == [dollars.pk]


def test_budget_type_filter():
    hourly = open_project(budget_type="hourly")
    open_project(budget_type="fixed")
    assert ids(budget_type="hourly") == [hourly.pk]


def test_posted_within_counts_back_from_now():
    now = timezone.now()
    today = open_project(published_at=now - timedelta(hours=2))
    two_days = open_project(published_at=now - timedelta(days=2))
    five_days = open_project(published_at=now - timedelta(days=5))
    open_project(published_at=now - timedelta(days=20))
    assert ids(posted_within="24h", now=now) == [today.pk]
    assert ids(posted_within="3d", now=now) == [today.pk, two_days.pk]
    assert ids(posted_within="7d", now=now) == [today.pk, two_days.pk, five_days.pk]
    assert len(ids(posted_within="30d", now=now)) == 4


def test_work_mode_filter():
    on_site = local_project("成都", 20)
    remote = open_project()
    assert ids(work_mode="local") == [on_site.pk]
    assert ids(work_mode="remote") == [remote.pk]


def test_distance_counts_the_projects_own_radius_and_leaves_remote_work_out():
    # given: Beijing–Tianjin is about 114 km
    beijing = local_project("北京", 10)
    tianjin = local_project("天津", 10)
    local_project("上海", 50)
    open_project(title="Remote job")
    # then
    assert ids(near="北京") == [beijing.pk]  # a city alone: projects whose radius reaches it
    assert ids(near="北京", distance_km=100) == [beijing.pk]  # 114 > 100 + 10
    assert ids(near="Beijing", distance_km=105) == [tianjin.pk, beijing.pk]  # 114 <= 105 + 10
    assert ids(near="天津市", distance_km=0) == [tianjin.pk]


def test_distance_reaches_a_project_with_a_wide_radius():
    wide = local_project("天津", 120)
    assert ids(near="北京", distance_km=0) == [wide.pk]


def test_client_verified_filter():
    trusted = open_project()
    verified(trusted.client)
    open_project()
    assert ids(client_verified=True) == [trusted.pk]


def test_client_rating_at_least_leaves_unrated_clients_out():
    good, fair, unrated = open_project(), open_project(), open_project()
    rated(good.client, "4.60")
    rated(fair.client, "3.20")
    assert ids(client_rating_min="4.5") == [good.pk]
    assert ids(client_rating_min="3") == [fair.pk, good.pk]
    assert unrated.pk not in ids(client_rating_min="0")
    assert unrated.pk in ids()


# ---------------------------------------------------------------- combined


def test_filters_combine():
    design = CategoryFactory()
    logo = SkillFactory(category=design)
    wanted = local_project("苏州", 30, category=design, budget_type="hourly")
    wanted.skills.set([logo])
    verified(wanted.client)
    rated(wanted.client, "4.90")
    near_miss = local_project("苏州", 30, category=design, budget_type="fixed")
    near_miss.skills.set([logo])
    verified(near_miss.client)
    rated(near_miss.client, "4.90")
    open_project(category=design, budget_type="hourly").skills.set([logo])
    asked = {
        "category": design.slug,
        "skills": [logo.slug],
        "budget_type": "hourly",
        "currency": "CNY",
        "budget_min": "1500",
        "posted_within": "24h",
        "work_mode": "local",
        "near": "上海",
        "distance_km": 100,
        "client_verified": True,
        "client_rating_min": "4.5",
    }
    assert ids(**asked) == [wanted.pk]


def test_only_open_public_projects_by_active_clients_are_listed():
    listed = open_project()
    ProjectFactory()  # draft
    open_project(visibility="invite_only")
    open_project(status="closed")
    gone = open_project()
    gone.client.is_active = False
    gone.client.save()
    assert ids() == [listed.pk]


# ---------------------------------------------------------------- sorting


def _budgets(*pairs, currency="CNY") -> list[Project]:
    now = timezone.now()
    return [
        open_project(
            budget_min=Decimal(low),
            budget_max=Decimal(high),
            currency=currency,
            published_at=now - timedelta(minutes=index),
        )
        for index, (low, high) in enumerate(pairs)
    ]


def test_newest_first_by_default():
    now = timezone.now()
    old = open_project(published_at=now - timedelta(days=3))
    new = open_project(published_at=now - timedelta(hours=1))
    assert ids() == [new.pk, old.pk]
    assert project_filters().order == "newest"


def test_budget_sorts_compare_like_with_like():
    a, b, c = _budgets(("100", "900"), ("500", "600"), ("200", "2000"))
    (dollars,) = _budgets(("50", "5000"), currency="USD")
    assert ids(sort="budget_high", currency="CNY") == [c.pk, a.pk, b.pk]
    assert ids(sort="budget_low", currency="CNY") == [a.pk, c.pk, b.pk]
    # without a currency, each currency is a block of its own, in code order
    assert ids(sort="budget_high") == [c.pk, a.pk, b.pk, dollars.pk]


def test_relevance_is_the_default_with_a_text_query():
    # given two projects matching one or both words, and one matching none
    one_word = open_project(title="Logo for a tea shop")
    both_words = open_project(title="Logo and poster for a tea shop")
    other = open_project(title="Translate a contract")
    for project in (one_word, both_words, other):
        services.project_search_sync(project_id=project.pk)
    # then best match comes first by default, and newest on request
    assert project_filters(query="logo poster").order == "relevance"
    assert ids(query="logo poster") == [both_words.pk, one_word.pk]
    older_first = open_project(title="Poster", published_at=timezone.now() - timedelta(days=1))
    services.project_search_sync(project_id=older_first.pk)
    assert ids(query="logo poster", sort="newest") == [both_words.pk, one_word.pk, older_first.pk]


# ---------------------------------------------------------------- facets


def _facet(page, name) -> dict[str, int]:
    (facet,) = [facet for facet in page.facets if facet.name == name]
    return {option.value: option.count for option in facet.options}


def test_facets_count_each_option_over_the_other_filters():
    now = timezone.now()
    design, writing = CategoryFactory(), CategoryFactory()
    open_project(category=design, budget_type="fixed")
    open_project(category=design, budget_type="hourly")
    open_project(category=writing, budget_type="hourly", published_at=now - timedelta(days=10))
    local_project("广州", 10, category=writing, budget_type="fixed")
    # when a category and a budget type are chosen
    filters = project_filters(category=design.slug, budget_type="hourly")
    page = project_page(filters=filters, now=now)
    # then the list holds one project, and each facet still counts its other options
    assert page.count == 1 and len(page.object_list) == 1
    category = _facet(page, "category")
    assert (category[design.slug], category[writing.slug]) == (1, 1)  # hourly only
    assert _facet(page, "budget_type") == {"fixed": 1, "hourly": 1}  # in design only
    assert _facet(page, "work_mode") == {"remote": 1, "local": 0}
    assert _facet(page, "posted_within") == {"24h": 1, "3d": 1, "7d": 1, "30d": 1}
    selected = [o.value for f in page.facets for o in f.options if o.selected]
    assert selected == [design.slug, "hourly"]


def test_facets_without_filters_count_everything_and_respect_the_other_filters():
    now = timezone.now()
    open_project(published_at=now - timedelta(hours=1))
    open_project(published_at=now - timedelta(days=2), budget_type="hourly")
    open_project(published_at=now - timedelta(days=6), currency="USD")
    page = project_page(filters=project_filters(), now=now)
    assert page.count == 3
    assert _facet(page, "posted_within") == {"24h": 1, "3d": 2, "7d": 3, "30d": 3}
    assert _facet(page, "budget_type") == {"fixed": 2, "hourly": 1}
    in_yuan = project_page(filters=project_filters(currency="CNY"), now=now)
    assert in_yuan.count == 2
    assert _facet(in_yuan, "posted_within") == {"24h": 1, "3d": 2, "7d": 2, "30d": 2}


def test_browse_page_shows_counts_next_to_the_options():
    design = CategoryFactory(name_en="Design", name_zh="设计")
    open_project(category=design)
    open_project(category=design)
    body = browse({"category": design.slug}, lang="zh-hans").content.decode()
    assert "设计 (2)" in body
    assert f'value="{design.slug}" data-count="2" selected' in body


# ---------------------------------------------------------------- pagination


def _walk(first: selectors.ProjectPage, asked: dict, per_page: int, direction: str):
    pages, page = [first], first
    while getattr(page, f"{direction}_cursor"):
        cursor = getattr(page, f"{direction}_cursor")
        filters = project_filters(**asked, cursor=cursor)
        page = project_page(filters=filters, per_page=per_page)
        pages.append(page)
    return pages


@pytest.mark.parametrize(
    "sort", ["newest", "budget_high", "budget_low", "relevance"], ids=lambda sort: sort
)
def test_cursor_round_trip_visits_every_project_once_in_order(sort):
    # given 11 projects with ties in time and budget, in two currencies
    now = timezone.now()
    projects = [
        open_project(
            title=f"Logo job {index}",
            published_at=now - timedelta(minutes=index // 3),
            budget_min=Decimal(100 + 10 * (index % 4)),
            budget_max=Decimal(1000 + 100 * (index % 4)),
            currency="USD" if index % 5 == 0 else "CNY",
        )
        for index in range(11)
    ]
    for project in projects:
        services.project_search_sync(project_id=project.pk)
    asked = {"sort": sort, "query": "logo" if sort == "relevance" else ""}
    expected = [project.pk for project in selectors.project_list(filters=project_filters(**asked))]
    # when walking forward 4 at a time, then back from the last page
    first = project_page(filters=project_filters(**asked), per_page=4)
    forward = _walk(first, asked, 4, "next")
    backward = _walk(forward[-1], asked, 4, "previous")
    # then every project shows once, in order, and the way back finds the same pages
    assert len(expected) == 11
    assert [pk for page in forward for pk in (p.pk for p in page.object_list)] == expected
    assert [page.number for page in forward] == [1, 2, 3]
    assert [[p.pk for p in page.object_list] for page in reversed(backward)] == [
        [p.pk for p in page.object_list] for page in forward
    ]
    assert backward[-1].previous_cursor is None and backward[-1].number == 1


def test_page_numbers_still_work_and_agree_with_cursors():
    for _ in range(7):
        open_project()
    by_number = project_page(filters=project_filters(), page=2, per_page=3)
    first = project_page(filters=project_filters(), per_page=3)
    by_cursor = project_page(filters=project_filters(cursor=first.next_cursor), per_page=3)
    assert [p.pk for p in by_number.object_list] == [p.pk for p in by_cursor.object_list]
    assert by_number.number == by_cursor.number == 2
    assert project_page(filters=project_filters(), page=99, per_page=3).number == 3
    assert project_page(filters=project_filters(), page="x", per_page=3).number == 1


def test_a_cursor_from_a_removed_row_still_pages():
    projects = [open_project() for _ in range(5)]
    first = project_page(filters=project_filters(), per_page=2)
    Project.objects.filter(pk=first.object_list[-1].pk).delete()
    second = project_page(filters=project_filters(cursor=first.next_cursor), per_page=2)
    assert [p.pk for p in second.object_list] == [projects[2].pk, projects[1].pk]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-cursor",
    ],
)
def test_tampered_cursor_is_refused(tamper):
    for _ in range(3):
        open_project()
    token = project_page(filters=project_filters(), per_page=1).next_cursor
    with pytest.raises(InvalidFilter) as caught:
        project_filters(cursor=tamper(token))
    assert caught.value.code == "bad_cursor"


def test_cursor_of_another_order_is_refused():
    for _ in range(3):
        open_project()
    token = project_page(filters=project_filters(), per_page=1).next_cursor
    with pytest.raises(InvalidFilter) as caught:
        project_filters(sort="budget_low", cursor=token)
    assert caught.value.code == "bad_cursor"


def test_browse_page_pages_with_next_and_previous_links():
    for _ in range(25):
        open_project()
    first = browse({})
    assert first.context["page"].number == 1
    next_cursor = first.context["page"].next_cursor
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    second = browse({"cursor": next_cursor})
    body = second.content.decode()
    assert len(second.context["page"].object_list) == 5
    assert 'rel="prev"' in body and 'rel="next"' not in body
    assert "Page 2 of 2" in body


def test_browse_page_ignores_a_bad_cursor_with_a_message():
    project = open_project()
    response = browse({"cursor": "forged:token"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "This page link is no longer valid" in body
    assert [p.pk for p in response.context["page"].object_list] == [project.pk]


# ---------------------------------------------------------------- bad input

BAD_FILTERS = [
    (
        {"currency": "CNY", "budget_min": "900", "budget_max": "100"},
        "budget_max",
        "budget_range_inverted",
    ),
    ({"budget_min": "100"}, "currency", "budget_range_needs_currency"),
    ({"currency": "CNY", "budget_min": "-1"}, "budget_min", "bad_budget_range"),
    ({"sort": "cheapest"}, "sort", "bad_sort"),
    ({"sort": "relevance"}, "sort", "relevance_needs_query"),
    ({"near": "北京", "distance_km": -5}, "distance_km", "bad_distance"),
    ({"near": "北京", "distance_km": 99999}, "distance_km", "bad_distance"),
    ({"distance_km": 10}, "near", "distance_needs_city"),
    ({"near": "Atlantis", "distance_km": 10}, "near", "unknown_city"),
    ({"client_rating_min": "6"}, "client_rating_min", "bad_client_rating_min"),
    ({"posted_within": "1y"}, "posted_within", "bad_posted_within"),
    ({"work_mode": "moon"}, "work_mode", "bad_work_mode"),
]


@pytest.mark.parametrize(("asked", "field", "code"), BAD_FILTERS)
def test_bad_filter_input_is_a_typed_error_naming_the_field(asked, field, code):
    with pytest.raises(InvalidFilter) as caught:
        project_filters(**asked)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"currency": "CNY", "budget_min": "900", "budget_max": "100"},
            "budget_max",
            "cannot be above",
        ),
        ({"sort": "cheapest"}, "sort", "Select a valid choice"),
        ({"near": "北京", "distance_km": "-5"}, "distance_km", "The distance is 0 to 5000 km."),
        ({"near": "Atlantis"}, "near", "was not recognised"),
        ({"distance_km": "abc"}, "distance_km", "Enter a whole number"),
    ],
)
def test_browse_page_shows_bad_filters_as_form_errors_and_lists_nothing(params, field, message):
    open_project()
    response = browse(params)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "Correct the filters above to see projects." in body
    assert response.context["page"].object_list == []


# ---------------------------------------------------------------- query count


# Categories and skills for the form, facet names, facet counts, the cards and their skills;
# a text query adds the search, the taxonomy's version check, the ranked ids that match and
# the semantic index's two reads (a cold index: count, rows; after writes: removals, changes).
@pytest.mark.parametrize(
    ("params", "bound"),
    [
        ({}, 6),
        ({"q": "logo"}, 11),
        ({"sort": "budget_high", "currency": "CNY", "budget_min": "100"}, 6),
        (
            {
                "near": "上海",
                "distance_km": "300",
                "client_verified": "on",
                "client_rating_min": "1",
            },
            6,
        ),
    ],
    ids=["plain", "text", "budget", "near"],
)
def test_browse_page_query_count_does_not_grow_with_rows(
    django_assert_max_num_queries, params, bound
):
    design = CategoryFactory()
    skills = [SkillFactory(category=design) for _ in range(3)]

    def add(count):
        for index in range(count):
            project = local_project("苏州", 50, category=design, title=f"Logo {index}")
            project.skills.set(skills)
            verified(project.client)
            rated(project.client, "4.00")
            services.project_search_sync(project_id=project.pk)

    add(3)
    with django_assert_max_num_queries(bound):
        few = browse({**params, "skills": [skill.slug for skill in skills]})
    add(30)
    with django_assert_max_num_queries(bound):
        many = browse({**params, "skills": [skill.slug for skill in skills]})
    assert len(few.context["page"].object_list) == 3
    assert len(many.context["page"].object_list) == 20
    cursor = many.context["page"].next_cursor
    with django_assert_max_num_queries(bound):
        assert browse({**params, "cursor": cursor}).status_code == 200


# ---------------------------------------------------------------- cards


def test_card_shows_the_verified_badge_and_rating():
    shown = open_project(title="Trusted client job")
    verified(shown.client)
    rated(shown.client, "4.75", count=8)
    open_project(title="New client job")
    body = browse({}).content.decode()
    card, other = body.split("Trusted client job")[1], body.split("New client job")[1]
    assert "Verified client" in card.split("</article>")[0]
    assert "★ 4.75 (8 ratings)" in card.split("</article>")[0]
    assert "Verified client" not in other.split("</article>")[0]
    assert "★" not in other.split("</article>")[0]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_browse_page_renders_in_both_languages_with_filters(lang):
    open_project()
    response = browse({"near": "杭州", "posted_within": "7d"}, lang=lang)
    assert response.status_code == 200
    with translation.override(lang):
        assert str(selectors.PostedWithin("7d").label) in response.content.decode()


# ---------------------------------------------------------------- places of on-site work


def _details(**overrides) -> services.ProjectDetails:
    values = {
        "title": "Install shelves",
        "description": "Put up 6 shelves in a flat; we need it done in one day, tools included.",
        "category_id": CategoryFactory().pk,
        "budget_min": "300",
        "budget_max": "600",
        "work_mode": "local",
        "city": "杭州市",
        "radius_km": 15,
    }
    return services.ProjectDetails(**{**values, **overrides})


def test_saving_a_local_project_places_it_at_its_city():
    project = services.project_create(client=UserFactory(), details=_details())
    hangzhou = geo.city_lookup("杭州")
    assert (project.latitude, project.longitude) == (hangzhou.latitude, hangzhou.longitude)
    assert project.city == "杭州市"
    services.project_update(
        client=project.client, project_id=project.pk, details=_details(work_mode="remote")
    )
    project.refresh_from_db()
    assert (project.city, project.latitude, project.longitude) == ("", None, None)


def test_unknown_city_on_a_local_project_saves_nothing():
    user = UserFactory()
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        services.project_create(client=user, details=_details(city="Atlantis"))
    assert caught.value.code == "unknown_city"
    assert "was not recognised" in str(caught.value.message)
    assert not Project.objects.exists()
    project = services.project_create(client=user, details=_details())
    with pytest.raises(InvalidInput):
        services.project_update(
            client=user, project_id=project.pk, details=_details(city="Atlantis")
        )
    project.refresh_from_db()
    assert project.city == "杭州市" and project.latitude is not None
