"""Paging rows in a search ranking's order: the ranking's order kept, the filters applied, the
count known from one query of ids, and one query per page for its rows."""

import pytest
from django.core.paginator import Paginator

from jiedan.accounts.models import User
from jiedan.search.selectors import RankedRows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_ranking_is_paged_in_its_order_with_the_filters_applied(
    django_assert_num_queries,
):
    # given seven people ranked in an order of their own, two of whom the filter leaves out
    people = [UserFactory() for _ in range(7)]
    ranked = [people[i].pk for i in (4, 0, 6, 2, 5, 1, 3)]
    User.objects.filter(pk__in=[people[6].pk, people[1].pk]).update(is_active=False)
    ranked.insert(2, 999_999)  # an id the database does not have (removed since indexing)
    # when they are paged three at a time
    with django_assert_num_queries(1):
        rows = RankedRows(User.objects.filter(is_active=True), ranked)
        paginator = Paginator(rows, 3)
        assert paginator.count == 5
    with django_assert_num_queries(1):
        first = [user.pk for user in paginator.page(1)]
    second = [user.pk for user in paginator.page(2)]
    # then the pages follow the ranking, without the filtered or unknown ones
    assert first + second == [people[i].pk for i in (4, 0, 2, 5, 3)]
    assert rows[0].pk == people[4].pk and rows[-1].pk == people[3].pk
