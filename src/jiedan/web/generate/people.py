"""Generated people: accounts with a verified e-mail address under ``GENERATED_DOMAIN``, one
shared password hash, freelancer profiles with their skills, and client profiles.

Accounts are numbered in the order people joined. A client joins before their first project;
a freelancer proposes only on projects posted after they joined (``FreelancerPool``).
"""

import bisect
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from allauth.account.models import EmailAddress

from jiedan.accounts.models import User
from jiedan.core.geo import City
from jiedan.profiles.models import SEARCH_KIND as FREELANCER_KIND
from jiedan.profiles.models import (
    Availability,
    ClientProfile,
    FreelancerProfile,
    ProfileSkill,
    ServiceMode,
    SpokenLanguage,
    Visibility,
)

from . import texts
from .plan import (
    GENERATED_DOMAIN,
    MEMBERSHIP,
    CategoryInfo,
    Run,
    SkillInfo,
    days,
    minutes,
    nice_amount,
)
from .search import search_document
from .writer import record

LANGUAGE_CODES = {texts.ZH: "zh-hans", texts.EN: "en"}
ENGLISH_SHARE = 0.3
RADII = [5, 10, 20, 30, 50]
# Choices with their cumulative weights (``random.choices`` then skips adding them up).
VISIBILITIES, VISIBILITY_WEIGHTS = list(Visibility.values), [90, 97, 100]
AVAILABILITIES, AVAILABILITY_WEIGHTS = list(Availability.values), [20, 60, 92, 100]


@dataclass(slots=True)
class Person:
    id: int
    lang: str
    joined: datetime
    place: City | None
    city: str
    name: str


@dataclass(slots=True)
class Freelancer(Person):
    category: CategoryInfo
    skills: list[SkillInfo]
    years: int


@dataclass(slots=True)
class Client(Person):
    pass


def email_of(role: str, number: int, seed: int) -> str:
    return f"{role}-{number:07d}.s{seed}@{GENERATED_DOMAIN}"


def generated_users(seed: int | None = None):
    """Generated accounts (of one seed's run, when given)."""
    suffix = f".s{seed}@{GENERATED_DOMAIN}" if seed is not None else f"@{GENERATED_DOMAIN}"
    return User.objects.filter(email__endswith=suffix)


class FreelancerPool:
    """Freelancers of one category by the time they joined, with how busy each one is: a
    draw picks among those who had joined by then, the busier more often."""

    def __init__(self, members: list[Freelancer], rng: Random):
        self.members = sorted(members, key=lambda f: f.joined)
        self.joined = [member.joined for member in self.members]
        weights = [min(8.0, rng.lognormvariate(0, 0.7)) for _ in self.members]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: Random, before: datetime) -> Freelancer | None:
        count = bisect.bisect_left(self.joined, before)
        if not count:
            return None
        target = rng.random() * self.cumulative[count - 1]
        return self.members[bisect.bisect_right(self.cumulative, target, hi=count - 1)]


def people_create(run: Run, *, password: str, first_posts: dict[int, datetime]):
    """Make ``plan.freelancers`` freelancers and ``plan.clients`` clients; ``first_posts``
    maps a client's number to the moment of their first project. Returns both lists."""
    rng, ids = run.rng("people"), run.ids
    plans = []
    for number in range(run.plan.freelancers):
        plans.append(("freelancer", number, run.moment_in_history(rng, MEMBERSHIP)))
    for number in range(run.plan.clients):
        joined = run.moment_in_history(rng, MEMBERSHIP)
        if number in first_posts:
            joined = min(joined, first_posts[number] - days(rng, 0.05, 20))
        plans.append(("client", number, joined))
    plans.sort(key=lambda plan: (plan[2], plan[0], plan[1]))
    freelancers: list[Freelancer] = []
    clients: dict[int, Client] = {}
    for role, number, joined in plans:
        lang = texts.EN if rng.random() < ENGLISH_SHARE else texts.ZH
        place = run.place(rng, lang)
        person = {
            "id": ids.take(User),
            "lang": lang,
            "joined": joined,
            "place": place,
            "city": run.city_of(place, lang),
            "name": texts.person_name(rng, lang),
        }
        if role == "freelancer":
            freelancer = _freelancer(run, rng, person)
            freelancers.append(freelancer)
            _write_freelancer(run, rng, freelancer, number, password)
        else:
            client = Client(**person)
            clients[number] = client
            _write_client(run, rng, client, number, password)
    return freelancers, [clients[number] for number in range(run.plan.clients)]


def _freelancer(run: Run, rng: Random, person: dict) -> Freelancer:
    category = rng.choices(run.categories, cum_weights=run.category_weights)[0]
    own = rng.sample(category.skills, min(len(category.skills), rng.randint(2, 6)))
    if rng.random() < 0.3:
        other = rng.choice(run.categories)
        own += [s for s in rng.sample(other.skills, min(2, len(other.skills))) if s not in own]
    return Freelancer(**person, category=category, skills=own, years=rng.randint(0, 20))


def _account_rows(run: Run, rng: Random, person: Person, role: str, number: int, **user):
    """The account (with the shared password hash) and its verified e-mail address, as after
    signing up and confirming the address."""
    email = email_of(role, number, run.seed)
    last_seen = person.joined + (rng.random() * 0.9 + 0.1) * (run.now - person.joined)
    return [
        record(
            User,
            id=person.id,
            email=email,
            language=LANGUAGE_CODES[person.lang],
            date_joined=person.joined,
            last_login=last_seen,
            **user,
        ),
        record(
            EmailAddress,
            id=run.ids.take(EmailAddress),
            user_id=person.id,
            email=email,
            verified=True,
            primary=True,
        ),
    ]


def _service_mode(rng: Random, freelancer: Freelancer) -> str:
    """In person for most local-service freelancers (who have a city), remote otherwise."""
    if not freelancer.city or not (freelancer.category.local or rng.random() < 0.08):
        return ServiceMode.REMOTE
    local_only = freelancer.category.local and rng.random() < 0.6
    return ServiceMode.LOCAL if local_only else ServiceMode.BOTH


def _spoken(rng: Random, lang: str) -> list[str]:
    spoken = {"zh" if lang == texts.ZH else "en"}
    if rng.random() < 0.35:
        spoken.add("en" if lang == texts.ZH else "zh")
    if lang == texts.ZH and rng.random() < 0.05:
        spoken.add("yue")
    return [code for code in SpokenLanguage.values if code in spoken]  # the service's order


def _write_freelancer(run: Run, rng: Random, freelancer: Freelancer, number: int, password: str):
    """Account, profile (``freelancer_profile_update``), skills (``freelancer_skills_set``)
    and, unless hidden, the search document ``freelancer_search_sync`` writes."""
    lang, main = freelancer.lang, freelancer.skills[0]
    name = freelancer.name
    if rng.random() < 0.3:
        name = f"{name} · {main.zh if lang == texts.ZH else main.en}"
    rows = _account_rows(
        run,
        rng,
        freelancer,
        "freelancer",
        number,
        display_name=name,
        mode=User.Mode.FREELANCER,
        password=password,
    )
    mode = _service_mode(rng, freelancer)
    second = freelancer.skills[1] if len(freelancer.skills) > 1 else main
    headline, bio = texts.profile_texts(
        rng,
        lang,
        skill=main.names,
        skill2=second.names,
        years=freelancer.years,
        city=freelancer.city,
        local=mode != ServiceMode.REMOTE,
    )
    currency = "USD" if lang == texts.EN and rng.random() < 0.7 else "CNY"
    _fixed, (low, high) = texts.budget_ranges(freelancer.category.slug, currency)
    visibility = rng.choices(VISIBILITIES, cum_weights=VISIBILITY_WEIGHTS)[0]
    created = freelancer.joined + minutes(rng, 5, 3 * 24 * 60)
    updated = max(created, min(created + days(rng, 0, 60), run.now - timedelta(minutes=1)))
    profile = record(
        FreelancerProfile,
        id=run.ids.take(FreelancerProfile),
        user_id=freelancer.id,
        headline=headline,
        bio=bio,
        hourly_rate=nice_amount(rng.uniform(low, high)),
        currency=currency,
        languages=_spoken(rng, lang),
        city=freelancer.city,
        service_mode=mode,
        service_radius_km=rng.choice(RADII) if mode != ServiceMode.REMOTE else None,
        availability=rng.choices(AVAILABILITIES, cum_weights=AVAILABILITY_WEIGHTS)[0],
        years_experience=freelancer.years,
        visibility=visibility,
        allow_promotion=rng.random() < 0.3,
        created_at=created,
        updated_at=updated,
    )
    rows.append(profile)
    rows += [
        record(
            ProfileSkill,
            id=run.ids.take(ProfileSkill),
            profile_id=profile.id,
            skill_id=skill.id,
            position=position,
        )
        for position, skill in enumerate(freelancer.skills)
    ]
    if visibility != Visibility.HIDDEN:
        names = [n for s in sorted(freelancer.skills, key=lambda s: s.order) for n in s.names]
        text = "\n".join(filter(None, [headline, bio, freelancer.city, *names]))
        rows.append(
            search_document(
                run.ids,
                run.tokens,
                kind=FREELANCER_KIND,
                object_id=freelancer.id,
                text=text,
                when=updated,
            )
        )
    run.out.add(*rows)


def _write_client(run: Run, rng: Random, client: Client, number: int, password: str):
    """Account and client profile (``client_profile_update``); the rating on the profile is
    filled in by the reputation refresh at the end."""
    company = texts.company_name(rng, client.lang, client.city) if rng.random() < 0.6 else ""
    name = company if company and rng.random() < 0.5 else client.name
    rows = _account_rows(
        run,
        rng,
        client,
        "client",
        number,
        display_name=name[:80],
        mode=User.Mode.CLIENT,
        password=password,
    )
    created = client.joined + minutes(rng, 2, 600)
    about = rng.choice(texts.BUSINESSES[client.lang]) if rng.random() < 0.5 else ""
    if about and client.lang == texts.ZH:
        about += "。"
    rows.append(
        record(
            ClientProfile,
            id=run.ids.take(ClientProfile),
            user_id=client.id,
            company_name=company[:120],
            about=about,
            city=client.city,
            created_at=created,
            updated_at=created,
        )
    )
    run.out.add(*rows)
