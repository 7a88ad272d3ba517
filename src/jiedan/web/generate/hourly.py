"""The steps of an hourly contract: the freelancer's time entries, week by week within the
weekly limit, each week closed into a ``WeeklyStatement`` after it ends and billed (held and
released through escrow in one go) once the client's review is over, or earlier when the
client approves it; the client ends the contract after a while."""

from datetime import date, datetime, timedelta

from django.conf import settings

from jiedan.contracts.models import (
    STATEMENT_PREFIX,
    Contract,
    ContractTerms,
    EntrySource,
    StatementStatus,
    TimeEntry,
    WeeklyStatement,
)
from jiedan.contracts.services.hourly import statement_amount, week_ends_at, week_of

from . import texts
from .plan import days, minutes
from .writer import record


class HourlySteps:
    """Part of ``ContractStory``: it uses the story's run, ledger, random stream, parties and
    ``_end``."""

    def _hourly(self, contract: Contract, terms: ContractTerms, started: datetime):
        """Weeks of logged time, each closed into a statement after it ends and billed once
        the client's review is over (or when the client approves it earlier)."""
        rng, now, run = self.rng, self.run.now, self.run
        end = started + timedelta(days=7 * rng.randint(0, 11) + rng.uniform(1, 6))
        ending = end < now and rng.random() < 0.7
        last = end if ending else now
        week = week_of(run.local_date(started))
        while week_ends_at(week) - timedelta(days=7) < last:
            self._week(contract, terms, week, started, last)
            week += timedelta(days=7)
        if ending:
            reason = texts.pick(rng, texts.END_REASONS, self.hire.lang)
            return self._end(contract, self.client, reason, end)
        return None

    def _week(self, contract, terms, week: date, started: datetime, last: datetime) -> None:
        rng, run, lang = self.rng, self.run, self.hire.lang
        left = terms.weekly_limit * 60
        entries = []
        for day in sorted(rng.sample(range(7), rng.randint(1, 5))):
            start_at = datetime.combine(week + timedelta(days=day), datetime.min.time(), run.tz)
            start_at += timedelta(hours=rng.uniform(9, 19))
            spent = min(left, rng.randint(6, 96) * 5)
            if spent <= 0 or start_at < started or start_at + timedelta(minutes=spent) >= last:
                continue
            left -= spent
            self.time_logged = True
            timer = rng.random() < 0.6
            done = start_at + timedelta(minutes=spent)
            entries.append(
                record(
                    TimeEntry,
                    id=run.ids.take(TimeEntry),
                    contract_id=self.id,
                    source=EntrySource.TIMER if timer else EntrySource.MANUAL,
                    work_date=week + timedelta(days=day),
                    week_start=week,
                    started_at=start_at if timer else None,
                    minutes=spent,
                    memo=texts.pick(rng, texts.MEMOS, lang),
                    created_at=start_at if timer else done,
                    updated_at=done,
                )
            )
        closed = week_ends_at(week) + minutes(rng, 1, 60)
        if not entries or closed >= run.now:
            self.rows += entries
            return
        self.rows += [self._statement(contract, terms, week, entries, closed), *entries]

    def _statement(self, contract, terms, week: date, entries: list, closed: datetime):
        rng, run = self.rng, self.run
        total = sum(entry.minutes for entry in entries)
        amount = statement_amount(terms.hourly_rate, total, contract.currency)
        review_ends = week_ends_at(week) + timedelta(days=settings.JIEDAN_HOURLY_REVIEW_DAYS)
        statement = record(
            WeeklyStatement,
            id=run.ids.take(WeeklyStatement),
            contract_id=self.id,
            week_start=week,
            minutes=total,
            hourly_rate=terms.hourly_rate,
            amount=amount,
            currency=contract.currency,
            status=StatementStatus.REVIEW,
            review_ends_at=review_ends,
            created_at=closed,
            updated_at=closed,
        )
        for entry in entries:
            entry.statement_id = statement.id
        if rng.random() < 0.3:
            actor, billed = self.client, closed + days(rng, 0.2, 4)
        else:
            actor, billed = None, review_ends + minutes(rng, 1, 60)
        if billed < run.now:
            reference = f"{STATEMENT_PREFIX}:{statement.id}"
            memo = f"contract {self.id}, week of {week.isoformat()}"
            self.ledger.hold(
                billed,
                reference=reference,
                payer=self.client,
                amount=amount,
                currency=contract.currency,
                key=f"{reference}:hold",
                memo=memo,
                lang=self.hire.client.lang,
            )
            self.ledger.release(
                billed,
                reference=reference,
                payee=self.freelancer,
                amount=amount,
                currency=contract.currency,
                key=f"{reference}:release",
                memo=memo,
                actor=actor,
            )
            statement.status, statement.billed_at, statement.updated_at = (
                StatementStatus.BILLED,
                billed,
                billed,
            )
            self.statements_billed = True
        return statement
