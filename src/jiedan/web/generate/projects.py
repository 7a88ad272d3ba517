"""Generated projects and the proposals on them, as ``projects.services`` and
``proposals.services`` leave them.

A project is posted by a client at a moment of the past year, published shortly after (a few
stay drafts), and then, as time goes by: hired on (about one in ten, see ``Plan``),
cancelled, or closed by the expiry job ``PUBLISH_DAYS`` after publishing; the ones still
inside that period are open and in the search index. Proposals arrive while it is open, from
freelancers of its category (some from others) who had joined by then; the client reads some,
shortlists or declines some, and some freelancers withdraw. Hiring one declines the other
active proposals ("another freelancer was hired") and gives the unread ones back to their
authors' monthly quota; a project that ends without a hire gives back every proposal still
standing. Invite-only projects get their proposals through accepted invitations, outside the
quota. Every status move has its history row.
"""

import bisect
import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from jiedan.contracts.terms import MILESTONE_TEMPLATES
from jiedan.ledger.fees import shares_split
from jiedan.projects.models import (
    PUBLISH_PERIOD,
    SEARCH_KIND,
    BudgetType,
    Duration,
    Project,
    ProjectStatusChange,
    Visibility,
    WorkMode,
)
from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals.models import ACTIVE_STATUSES as ACTIVE_PROPOSALS
from jiedan.proposals.models import (
    DeclineReason,
    Invitation,
    InvitationStatus,
    Proposal,
    ProposalMilestone,
    ProposalStatusChange,
)
from jiedan.proposals.models import Status as ProposalStatus

from . import texts
from .contracts import ContractStory, Hire
from .money import Ledger
from .people import Client, Freelancer, FreelancerPool
from .plan import HISTORY, Run, days, minutes, nice_amount
from .search import search_document
from .writer import ProjectSkill, record

HOURLY_SHARE = {"education": 0.5, "fitness-beauty": 0.4, "home-services": 0.3, "consulting": 0.3}
CANCEL_SHARE = 0.04
DRAFT_SHARE = 0.03
INVITE_ONLY_SHARE = 0.05
RADII = [5, 10, 20, 30, 50]
CLIENT_DECLINES = [r for r in DeclineReason.values if r != DeclineReason.OTHER_HIRED]
ENDS_WITHOUT_HIRE = (ProjectStatus.CLOSED, ProjectStatus.CANCELLED)


@dataclass(slots=True)
class Planned:
    created: datetime
    client: int  # a client's number
    category: int  # an index into ``Run.categories``


def projects_plan(run: Run) -> list[Planned]:
    """When each project is posted, by whom and in which category; a few clients post a lot."""
    rng = run.rng("projects-plan")
    weights = [min(30.0, rng.lognormvariate(0, 1.0)) for _ in range(run.plan.clients)]
    cumulative = list(itertools.accumulate(weights))
    planned = []
    for _ in range(run.plan.projects):
        client = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        category = rng.choices(range(len(run.categories)), cum_weights=run.category_weights)[0]
        created = run.moment_in_history(rng, HISTORY)
        planned.append(Planned(created, min(client, run.plan.clients - 1), category))
    planned.sort(key=lambda item: item.created)
    return planned


def first_posts(planned: list[Planned]) -> dict[int, datetime]:
    first: dict[int, datetime] = {}
    for item in planned:
        first.setdefault(item.client, item.created)
    return first


class Market:
    """Who proposes: freelancers by category, and all of them."""

    def __init__(self, run: Run, freelancers: list[Freelancer]):
        rng = run.rng("market")
        by_category: dict[int, list[Freelancer]] = {}
        for freelancer in freelancers:
            by_category.setdefault(freelancer.category.id, []).append(freelancer)
        self.pools = {key: FreelancerPool(members, rng) for key, members in by_category.items()}
        self.everyone = FreelancerPool(freelancers, rng)

    def draw(self, rng: Random, category_id: int, before: datetime, city: str):
        """A freelancer who had joined ``before``: of the category mostly, nearby when the
        work is on site (tried a few times), sometimes anyone."""
        pool = self.pools.get(category_id) if rng.random() < 0.8 else None
        pool = pool or self.everyone
        found = pool.draw(rng, before)
        for _ in range(3 if city else 0):
            if found is None or found.city == city:
                break
            found = pool.draw(rng, before)
        return found


class ProjectStory:
    def __init__(self, run: Run, ledger: Ledger, market: Market, rng: Random):
        self.run, self.ledger, self.market, self.rng = run, ledger, market, rng
        self.hire_share = min(1.0, run.plan.contract_share / 0.93)  # drafts, offers not yet made

    def tell(self, planned: Planned, client: Client) -> None:
        run, rng = self.run, self.rng
        category = run.categories[planned.category]
        project, skills = self._project(planned, client, category)
        changes: list[ProjectStatusChange] = []
        published = project.created_at + minutes(rng, 5, 2880)
        if rng.random() < DRAFT_SHARE or published >= run.now:
            run.out.add(project, *self._skill_rows(project, skills))
            return
        project.published_at, project.expires_at = published, published + PUBLISH_PERIOD
        self._move(project, changes, ProjectStatus.OPEN, client.id, "", published)
        end, ending = self._fate(project)
        proposals = self._proposals(project, category, client, end, at_least_one=ending == "hire")
        if ending == "hire" and not proposals:
            end, ending = self._expiry(project)
        if ending == "hire":
            standing = [p for p in proposals if p.row.status in ACTIVE_PROPOSALS]
            hired = rng.choice(standing or proposals)
            self._hire(project, changes, proposals, hired, client, end)
            outcome = ContractStory(
                run, self.ledger, self._hire_terms(project, hired, client), rng
            ).tell()
            if outcome and outcome.ended_at and rng.random() < 0.4:
                closed = outcome.ended_at + days(rng, 0, 7)
                if closed < run.now:
                    self._move(project, changes, ProjectStatus.CLOSED, client.id, "", closed)
        elif ending == "cancel":
            self._move(project, changes, ProjectStatus.CANCELLED, client.id, "", end)
        elif ending == "expire":
            self._move(project, changes, ProjectStatus.CLOSED, None, "expired", end)
        if ending in ("cancel", "expire"):
            self._refund_quota(proposals, end, hired=False)
        rows = [row for item in proposals for row in item.rows()]
        run.out.add(project, *self._skill_rows(project, skills), *changes, *rows)
        if project.status == ProjectStatus.OPEN and project.visibility == Visibility.PUBLIC:
            run.out.add(self._document(project, category, skills))

    # --- the project ------------------------------------------------------------------------

    def _project(self, planned: Planned, client: Client, category):
        run, rng, lang = self.run, self.rng, client.lang
        skills = rng.sample(
            category.skills, min(len(category.skills), rng.choice([1, 2, 2, 3, 3, 4]))
        )
        local = rng.random() < (0.85 if category.local else 0.03)
        city, place = "", None
        if local:
            place = client.place or run.place(rng, texts.ZH)
            city = run.city_of(place, lang)
        hourly = rng.random() < HOURLY_SHARE.get(category.slug, 0.15)
        if lang == texts.EN:
            currency = "USD" if rng.random() < 0.6 else "CNY"
        else:
            currency = "USD" if rng.random() < 0.03 else "CNY"
        fixed, rate = texts.budget_ranges(category.slug, currency)
        low, high = rate if hourly else fixed
        budget_min = nice_amount(math.exp(rng.uniform(math.log(low), math.log(high))))
        budget_max = max(
            budget_min, nice_amount(float(budget_min) * rng.choice([1, 1.2, 1.5, 2, 3]))
        )
        title, description = texts.project_texts(
            rng, lang, category_slug=category.slug, skill=skills[0].names, city=city, local=local
        )
        questions = (
            rng.sample(texts.QUESTIONS[lang], rng.randint(1, 2)) if rng.random() < 0.3 else []
        )
        invite_only = rng.random() < INVITE_ONLY_SHARE
        project = record(
            Project,
            id=run.ids.take(Project),
            client_id=client.id,
            title=title,
            description=description,
            category_id=category.id,
            budget_type=BudgetType.HOURLY if hourly else BudgetType.FIXED,
            budget_min=budget_min,
            budget_max=budget_max,
            currency=currency,
            expected_duration=rng.choice([*Duration.values, ""]),
            work_mode=WorkMode.LOCAL if local else WorkMode.REMOTE,
            city=city,
            radius_km=rng.choice(RADII) if local else None,
            latitude=place.latitude if local else None,
            longitude=place.longitude if local else None,
            visibility=Visibility.INVITE_ONLY if invite_only else Visibility.PUBLIC,
            screening_questions=questions,
            status=ProjectStatus.DRAFT,
            created_at=planned.created,
            updated_at=planned.created,
        )
        if rng.random() < 0.3:
            project.deadline = run.local_date(planned.created) + timedelta(days=rng.randint(14, 90))
        return project, skills

    def _skill_rows(self, project: Project, skills) -> list:
        return [
            record(
                ProjectSkill,
                id=self.run.ids.take(ProjectSkill),
                project_id=project.id,
                skill_id=s.id,
            )
            for s in skills
        ]

    def _move(self, project, changes, to: str, actor, reason: str, at: datetime) -> None:
        changes.append(
            record(
                ProjectStatusChange,
                id=self.run.ids.take(ProjectStatusChange),
                project_id=project.id,
                actor_id=actor,
                from_status=project.status,
                to_status=to,
                reason=reason,
                created_at=at,
            )
        )
        project.status, project.updated_at = to, at

    def _fate(self, project: Project) -> tuple[datetime, str]:
        """How the open period ends (hire, cancel, expire), or ``now`` while still open."""
        rng, now, published = self.rng, self.run.now, project.published_at
        roll = rng.random()
        if roll < self.hire_share:
            hired = published + days(rng, 1, 25)
            if hired < now:
                return hired, "hire"
        elif roll < self.hire_share + CANCEL_SHARE:
            cancelled = published + days(rng, 0.5, 25)
            if cancelled < now:
                return cancelled, "cancel"
        return self._expiry(project)

    def _expiry(self, project: Project) -> tuple[datetime, str]:
        expired = project.expires_at + minutes(self.rng, 1, 15)  # the expiry job's round
        return (expired, "expire") if expired < self.run.now else (self.run.now, "open")

    def _document(self, project: Project, category, skills):
        """As ``projects.services.project_search_sync`` indexes an open public project."""
        names = [name for skill in sorted(skills, key=lambda s: s.order) for name in skill.names]
        parts = [project.title, project.description, project.city, category.zh, category.en]
        return search_document(
            self.run.ids,
            self.run.tokens,
            kind=SEARCH_KIND,
            object_id=project.id,
            text="\n".join(parts + names),
            when=project.published_at,
        )

    # --- proposals --------------------------------------------------------------------------

    def _proposals(self, project, category, client: Client, end: datetime, *, at_least_one: bool):
        run, rng = self.run, self.rng
        mean = run.plan.proposals_per_project / (1 - DRAFT_SHARE)
        count = min(40, int(rng.expovariate(1 / (mean + 0.5))))
        count = max(count, 1) if at_least_one else count
        window = end - project.published_at
        moments = sorted(project.published_at + window * rng.random() for _ in range(count))
        proposals, seen = [], set()
        for at in moments:
            freelancer = self.market.draw(rng, category.id, at, project.city)
            if freelancer is None or freelancer.id in seen:
                continue
            seen.add(freelancer.id)
            proposals.append(_Proposal.make(self, project, client, freelancer, at, end))
        return proposals

    def _hire(self, project, changes, proposals, hired: "_Proposal", client: Client, at):
        """``proposal_hire``: the hired one, the others declined, the unread refunded."""
        hired.hire(client.id, at)
        for item in proposals:
            if item is not hired and item.row.status in ACTIVE_PROPOSALS:
                item.row.decline_reason = DeclineReason.OTHER_HIRED
                item.move(ProposalStatus.DECLINED, client.id, DeclineReason.OTHER_HIRED, at)
        self._move(project, changes, ProjectStatus.AWARDED, client.id, "hired", at)
        self._refund_quota(proposals, at, hired=True)

    def _refund_quota(self, proposals, at: datetime, *, hired: bool) -> None:
        """``quota_refund_on_project_end``."""
        for item in proposals:
            row = item.row
            if row.quota_charged_at is None or row.quota_refunded_at is not None:
                continue
            if row.status in (ProposalStatus.WITHDRAWN, ProposalStatus.HIRED):
                continue
            if hired and row.viewed_at is not None:
                continue
            row.quota_refunded_at = at

    def _hire_terms(self, project: Project, hired: "_Proposal", client: Client) -> Hire:
        row = hired.row
        return Hire(
            project_title=project.title,
            description=project.description,
            lang=client.lang,
            currency=project.currency,
            hourly=project.budget_type == BudgetType.HOURLY,
            client=client,
            freelancer=hired.freelancer,
            proposal_id=row.id,
            amount=row.amount,
            delivery_days=row.delivery_days,
            plan=[(m.title, m.amount, m.due_in_days) for m in hired.milestones],
            hired_at=row.hired_at,
        )


class _Proposal:
    """One proposal with its plan, its invitation and its status history."""

    def __init__(self, story: ProjectStory, row: Proposal, freelancer: Freelancer):
        self.story, self.row, self.freelancer = story, row, freelancer
        self.milestones: list[ProposalMilestone] = []
        self.changes: list[ProposalStatusChange] = []
        self.invitation: Invitation | None = None

    @classmethod
    def make(cls, story, project: Project, client: Client, freelancer: Freelancer, at, end):
        run, rng = story.run, story.rng
        hourly = project.budget_type == BudgetType.HOURLY
        low, high = float(project.budget_min), float(project.budget_max)
        amount = nice_amount(rng.uniform(low * 0.7, high * 1.15))
        delivery = (
            rng.randint(7, 90)
            if hourly
            else rng.randint(1, 14)
            if project.city
            else rng.randint(3, 60)
        )
        lang = client.lang if rng.random() < 0.8 else freelancer.lang
        main = freelancer.skills[0]
        invited = project.visibility == Visibility.INVITE_ONLY
        proposal = record(
            Proposal,
            id=run.ids.take(Proposal),
            project_id=project.id,
            freelancer_id=freelancer.id,
            cover_letter=texts.cover_letter(
                rng, lang, skill=main.names, years=freelancer.years, days=delivery
            ),
            amount=amount,
            currency=project.currency,
            delivery_days=delivery,
            answers=[
                {"question": q, "answer": texts.pick(rng, texts.ANSWERS, lang)}
                for q in project.screening_questions
            ],
            invited=invited,
            quota_charged_at=None if invited else at,
            created_at=at,
            updated_at=at,
        )
        item = cls(story, proposal, freelancer)
        if invited:
            item.invitation = record(
                Invitation,
                id=run.ids.take(Invitation),
                project_id=project.id,
                freelancer_id=freelancer.id,
                status=InvitationStatus.ACCEPTED,
                created_at=max(project.published_at, at - minutes(rng, 60, 3 * 1440)),
                responded_at=at,
            )
        if not hourly and rng.random() < 0.35:
            item._plan(lang)
        item._fate(client, end)
        return item

    def _plan(self, lang: str) -> None:
        rng, row = self.story.rng, self.row
        template = rng.choice(["50-50", "30-30-40"])
        parts, remainder = shares_split(
            row.amount, row.currency, list(MILESTONE_TEMPLATES[template])
        )
        parts[-1] += remainder
        pool = texts.MILESTONES[lang]
        titles = [pool[i] for i in sorted(rng.sample(range(len(pool)), len(parts)))]
        for position, (title, part) in enumerate(zip(titles, parts, strict=True), start=1):
            due = max(position, round(row.delivery_days * position / len(parts)))
            self.milestones.append(
                record(
                    ProposalMilestone,
                    id=self.story.run.ids.take(ProposalMilestone),
                    proposal_id=row.id,
                    position=position,
                    title=title,
                    amount=part,
                    due_in_days=min(due, row.delivery_days),
                )
            )

    def _fate(self, client: Client, end: datetime) -> None:
        """What the client and the freelancer did before ``end`` (the hire is separate)."""
        rng, row = self.story.rng, self.row
        at = row.created_at + (end - row.created_at) * rng.random()
        roll = rng.random()
        if roll < 0.07:
            self.move(ProposalStatus.WITHDRAWN, row.freelancer_id, "", at)
        elif roll < 0.22:
            reason = rng.choice(CLIENT_DECLINES)
            row.viewed_at, row.decline_reason = at, reason
            if rng.random() < 0.4:
                row.decline_note = texts.pick(rng, texts.DECLINE_NOTES, client.lang)
            self.move(ProposalStatus.DECLINED, client.id, reason, at)
        elif roll < 0.32:
            row.viewed_at = at
            self.move(ProposalStatus.SHORTLISTED, client.id, "", at)
        elif roll < 0.62:
            row.viewed_at = row.updated_at = at

    def move(self, to: str, actor, reason: str, at: datetime) -> None:
        self.changes.append(
            record(
                ProposalStatusChange,
                id=self.story.run.ids.take(ProposalStatusChange),
                proposal_id=self.row.id,
                actor_id=actor,
                from_status=self.row.status,
                to_status=to,
                reason=reason,
                created_at=at,
            )
        )
        self.row.status, self.row.updated_at = to, at

    def hire(self, client_id: int, at: datetime) -> None:
        row = self.row
        if row.status not in ACTIVE_PROPOSALS:
            # hired after all, so it was never withdrawn or declined: forget that fate
            self.changes.clear()
            row.status, row.decline_reason, row.decline_note = ProposalStatus.SUBMITTED, "", ""
        row.viewed_at = min(row.viewed_at or at, at)
        row.hired_at = at
        self.move(ProposalStatus.HIRED, client_id, "", at)

    def rows(self) -> list:
        first = [self.invitation] if self.invitation else []
        return [*first, self.row, *self.milestones, *self.changes]
