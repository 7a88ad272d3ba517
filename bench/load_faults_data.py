"""The database side of ``load_faults.py``, run in a process of its own with the environment
of the site under test (``deploy/prod-local env``). Prints one JSON document.

    python bench/load_faults_data.py seed --pairs 12 --contracts 12 --milestones 4
    python bench/load_faults_data.py books --since 2026-01-01T00:00:00+00:00 --top-up 7

``seed``: clients and freelancers with verified e-mail and read-write access tokens, each
client's wallet topped up through the sandbox provider (the worker credits it), open projects
to browse and bid on, and per pair of client and freelancer ``--contracts`` active contracts of
``--milestones`` milestones each, all through the services (hire a proposal, offer, accept).

``books``: what the database says happened since ``--since``: journals by kind, every seeded
milestone's status against its escrow journals, top-ups against their journals, the kept
(deferred) jobs, and the ledger audit.
"""

import argparse
import json
import os
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path[0] = str(SRC)  # not bench/: a script there may shadow a standard module (http.py)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedan.config.settings.production")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiedan.accounts.models import User  # noqa: E402
from jiedan.accounts.services import access_token_create  # noqa: E402
from jiedan.contracts import services as contracts  # noqa: E402
from jiedan.contracts.models import Contract, Milestone, MilestoneStatus  # noqa: E402
from jiedan.contracts.terms import MilestoneDetails, TermsDetails  # noqa: E402
from jiedan.core.models import DeferredJob  # noqa: E402
from jiedan.ledger.audit import ledger_audit  # noqa: E402
from jiedan.ledger.models import Journal  # noqa: E402
from jiedan.payments.gateways.sandbox import sandbox_decide  # noqa: E402
from jiedan.payments.models import SandboxOperation, TopUp, WebhookEvent  # noqa: E402
from jiedan.payments.services import top_up_start  # noqa: E402
from jiedan.projects.services import ProjectDetails, project_create, project_publish  # noqa: E402
from jiedan.proposals.services import ProposalDetails, proposal_hire, proposal_submit  # noqa: E402
from jiedan.taxonomy.models import Category  # noqa: E402

DOMAIN = "load-faults.test"
PASSWORD = "load and faults, on loopback only"  # noqa: S105 (throwaway accounts)
WALLET = Decimal("500000")
TITLES = [
    ("企业官网设计与开发", "A bilingual company website"),
    ("小程序商城开发", "Mini-program online shop"),
    ("品牌logo设计", "Logo and brand design"),
    ("产品宣传视频剪辑", "Product video editing"),
    ("英文合同翻译", "Contract translation into English"),
    ("电商详情页设计", "E-commerce detail pages"),
    ("数据分析报表", "Data analysis dashboard"),
    ("公众号文章代写", "Articles for a company account"),
]
DESCRIPTION = (
    "我们需要一位有经验的自由职业者完成这项工作，要求按时交付、沟通顺畅，并提供源文件。"
    " We need an experienced freelancer who delivers on time, communicates well and hands over"
    " the source files."
)


def _user(role: str, number: int, run: str) -> User:
    email = f"{role}{number}-{run}@{DOMAIN}"
    user = User.objects.create_user(
        email=email, password=PASSWORD, display_name=f"{role} {number}", mode=role
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _token(user: User) -> str:
    return access_token_create(user=user, name="load", scopes=["read", "write"]).secret


def _project(client: User, category: Category, number: int) -> int:
    zh, en = TITLES[number % len(TITLES)]
    details = ProjectDetails(
        title=f"{zh} · {en} #{number}",
        description=DESCRIPTION,
        category_id=category.pk,
        budget_min=Decimal("1000"),
        budget_max=Decimal("5000"),
    )
    project = project_create(client=client, details=details)
    return project_publish(client=client, project_id=project.pk).pk


def _contract(client, freelancer, category, number: int, milestones: int) -> Contract:
    project_id = _project(client, category, number)
    proposal = proposal_submit(
        freelancer=freelancer,
        project_id=project_id,
        details=ProposalDetails(
            cover_letter="我做过很多类似的项目 — I have done this kind of work many times.",
            amount=Decimal("2000"),
            delivery_days=20,
        ),
    )
    proposal_hire(client=client, proposal_id=proposal.pk)
    plan = [MilestoneDetails(f"Part {n + 1}", Decimal(100 + 37 * n)) for n in range(milestones)]
    terms = TermsDetails(
        scope="The work described in the project, delivered in parts.",
        deadline=timezone.localdate() + timedelta(days=60),
        milestones=plan,
        deliverables=["Source files"],
        revisions=5,
    )
    offer = contracts.contract_offer_from_proposal(
        client=client, proposal_id=proposal.pk, details=terms
    )
    return contracts.contract_accept(
        actor=freelancer, contract_id=offer.pk, digest=offer.terms.digest
    )


def _top_up(client: User) -> int:
    top_up = top_up_start(
        user=client, amount=WALLET, currency="CNY", idempotency_key=str(uuid.uuid4())
    )
    sandbox_decide(
        kind=SandboxOperation.Kind.CHARGE,
        token=top_up.provider_reference,
        succeeded=True,
    )
    return top_up.pk


def _wait_credited(top_up_ids: list[int], seconds: float = 120) -> None:
    """The worker credits the wallets (the sandbox delivers its events through Celery)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = TopUp.objects.filter(pk__in=top_up_ids).exclude(status=TopUp.Status.SUCCEEDED)
        if not waiting.exists():
            return
        time.sleep(0.5)
    raise SystemExit(f"top-ups not credited within {seconds} s: is the worker running?")


def seed(args) -> dict:
    run = uuid.uuid4().hex[:6]
    categories = list(Category.objects.order_by("pk")[:20])
    pairs, projects, top_ups = [], [], []
    for number in range(args.pairs):
        client, freelancer = _user("client", number, run), _user("freelancer", number, run)
        top_ups.append(_top_up(client))
        category = categories[number % len(categories)]
        projects += [_project(client, category, number * 100 + n) for n in range(args.projects)]
        pair_contracts = [
            _contract(client, freelancer, category, number * 100 + 50 + n, args.milestones)
            for n in range(args.contracts)
        ]
        pairs.append(
            {
                "client": {"id": client.pk, "email": client.email, "token": _token(client)},
                "freelancer": {
                    "id": freelancer.pk,
                    "email": freelancer.email,
                    "token": _token(freelancer),
                },
                "contracts": [
                    {
                        "id": contract.pk,
                        "milestones": list(
                            contract.milestones.order_by("position").values_list("pk", flat=True)
                        ),
                    }
                    for contract in pair_contracts
                ],
            }
        )
    _wait_credited(top_ups)
    return {"password": PASSWORD, "pairs": pairs, "projects": projects}


def _milestone_books(milestone_ids: list[int]) -> dict:
    """Every milestone's status against the escrow journals of its reference: funded (or
    later) milestones have exactly one hold, released ones exactly one release."""
    references = {m.pk: m.escrow_reference for m in Milestone.objects.filter(pk__in=milestone_ids)}
    journals = Counter(
        Journal.objects.filter(reference__in=references.values()).values_list("reference", "kind")
    )
    held_statuses = {
        MilestoneStatus.FUNDED,
        MilestoneStatus.SUBMITTED,
        MilestoneStatus.CHANGES_REQUESTED,
        MilestoneStatus.RELEASED,
    }
    statuses, mismatches = Counter(), []
    for milestone in Milestone.objects.filter(pk__in=milestone_ids).order_by("pk"):
        reference = references[milestone.pk]
        held = journals[(reference, "escrow.held")]
        released = journals[(reference, "escrow.released")]
        expected = (
            int(milestone.status in held_statuses),
            int(milestone.status == MilestoneStatus.RELEASED),
        )
        statuses[milestone.status] += 1
        if (held, released) != expected:
            mismatches.append(f"milestone {milestone.pk} {milestone.status}: {held}/{released}")
    return {"statuses": dict(statuses), "mismatches": mismatches}


def _top_up_books(since: datetime) -> dict:
    """Top-ups started since ``since``: succeeded ones have one journal, others none."""
    top_ups = TopUp.objects.filter(created_at__gte=since)
    journals = Counter(
        Journal.objects.filter(
            kind="wallet.top_up", reference__in=[t.reference for t in top_ups]
        ).values_list("reference", flat=True)
    )
    mismatches = [
        f"top-up {t.pk} {t.status}: {journals[t.reference]} journals"
        for t in top_ups
        if journals[t.reference] != int(t.status == TopUp.Status.SUCCEEDED)
    ]
    by_status = Counter(top_ups.values_list("status", flat=True))
    return {"statuses": dict(by_status), "mismatches": mismatches}


def books(args) -> dict:
    since = datetime.fromisoformat(args.since)
    kinds = (
        Journal.objects.filter(created_at__gte=since)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    milestone_ids = json.loads(Path(args.milestones).read_text()) if args.milestones else []
    result = {
        "journals_since": {row["kind"]: row["n"] for row in kinds},
        "milestones": _milestone_books(milestone_ids),
        "top_ups": _top_up_books(since),
        "deferred_jobs": DeferredJob.objects.count(),
        "ledger_audit": [f"{p.check}: {p.detail}" for p in ledger_audit()],
    }
    if args.top_up:
        top_up = TopUp.objects.get(pk=args.top_up)
        result["top_up"] = {
            "status": top_up.status,
            "journals": Journal.objects.filter(
                kind="wallet.top_up", reference=top_up.reference
            ).count(),
            "webhook_events": WebhookEvent.objects.filter(reference=top_up.reference).count(),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--pairs", type=int, default=6)
    seeding.add_argument("--contracts", type=int, default=12)
    seeding.add_argument("--milestones", type=int, default=4)
    seeding.add_argument("--projects", type=int, default=5, help="open projects per client")
    checking = commands.add_parser("books")
    checking.add_argument("--since", required=True)
    checking.add_argument("--milestones", help="a JSON file listing the milestone ids")
    checking.add_argument("--top-up", type=int, help="a top-up to account for on its own")
    args = parser.parse_args()
    result = seed(args) if args.command == "seed" else books(args)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
