"""``manage.py generate_data``: fill a benchmark or development database with a generated,
realistic history (see ``jiedan.web.generate``)."""

from datetime import date, datetime, time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiedan.web.generate import (
    GENERATED_DOMAIN,
    GENERATED_PASSWORD,
    SIZES,
    GenerationRefused,
    Plan,
    generate,
    generated_wipe,
)


class Command(BaseCommand):
    help = (
        "Generate a realistic bilingual history at a chosen size: freelancers, clients, "
        "projects, proposals, contracts, ledger journals, messages, reviews, reputation and "
        f"the search index, in bulk. Accounts are under @{GENERATED_DOMAIN} and share one "
        "password. The same --seed and --now give the same data. For a benchmark or "
        "development database: nothing else may write to it meanwhile. Vector embeddings are "
        "not generated; bench/vectors.py benchmarks them separately."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            help="Freelancers and projects: 10k, 100k or 1m each (clients are half as many).",
        )
        parser.add_argument(
            "--freelancers", type=int, help="How many freelancers (and half as many clients)."
        )
        parser.add_argument("--projects", type=int, help="How many projects.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--now",
            type=date.fromisoformat,
            help="The day the history ends, YYYY-MM-DD (default: today). Every moment is "
            "before its midnight in the platform's time zone.",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=5000,
            help="Rows of one table buffered before a batch is written (default 5000).",
        )
        parser.add_argument(
            "--wipe-generated",
            action="store_true",
            help="First remove everything generated earlier (any seed); alone, only that.",
        )

    def handle(self, *args, **options):
        if settings.JIEDAN_ENVIRONMENT == "production":
            raise CommandError("Refusing to generate data with production settings.")
        plan = self._plan(options)
        if options["wipe_generated"]:
            removed = generated_wipe()
            self.stdout.write(f"Removed generated rows: {removed or 'none'}")
        if plan is None:
            if not options["wipe_generated"]:
                raise CommandError("Give --size, or --freelancers and --projects.")
            return
        day = options["now"] or timezone.localdate()
        now = datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
        self.stdout.write(
            f"Generating {plan.freelancers:,} freelancers, {plan.clients:,} clients and "
            f"{plan.projects:,} projects up to {now:%Y-%m-%d %H:%M %Z}, seed {options['seed']}"
        )
        try:
            report = generate(
                plan,
                seed=options["seed"],
                now=now,
                batch_size=options["batch"],
                log=self.stdout.write,
            )
        except GenerationRefused as error:
            raise CommandError(str(error)) from error
        for label, count in sorted(report.counts.items()):
            self.stdout.write(f"  {label:<36} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows:,} rows in {report.total_seconds:.1f} s "
                f"({report.rows / max(report.total_seconds, 0.001):,.0f} rows/s). "
                f"Password for every generated account: {GENERATED_PASSWORD}"
            )
        )

    def _plan(self, options) -> Plan | None:
        if options["size"]:
            if options["freelancers"] or options["projects"]:
                raise CommandError("Give either --size or --freelancers/--projects.")
            return Plan.of_size(options["size"])
        freelancers, projects = options["freelancers"], options["projects"]
        if freelancers is None and projects is None:
            return None
        if not freelancers or freelancers < 2 or projects is None or projects < 0:
            raise CommandError("Give at least 2 --freelancers and 0 or more --projects.")
        return Plan(freelancers=freelancers, projects=projects)
