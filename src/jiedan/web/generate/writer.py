"""How generated rows reach the database: primary keys handed out in advance, rows buffered
per model and written in bulk, parents before children.

- ``record(Model, field=value, ...)`` is a generated row: a light record with the model's
  field names (``client_id`` for a foreign key), not a model instance. Fields left out get
  the model field's default, as a new instance would; a required field left out fails at
  insert time.
- ``Ids`` gives every new row its primary key before it is written, starting after the
  table's highest id and its sequence, so rows can point at each other without a round trip.
  ``Ids.sequences_reset`` moves the database's sequences past them at the end (as
  ``loaddata`` does). Generation therefore assumes nobody else writes to the same tables
  while it runs: it is for a benchmark or development database.
- ``Writer.add`` buffers rows; when a buffer is full every buffer is written, in
  ``WRITE_ORDER`` and in one transaction, so no row is ever written before a row it refers
  to. Values go through each field's own ``get_db_prep_save``, as ``bulk_create`` sends
  them, but the rows are sent with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL):
  measured on this code, ``bulk_create`` spent four fifths of its time building SQL.
"""

import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC
from functools import cache, partial

from allauth.account.models import EmailAddress
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, reset_queries, transaction
from django.db.models import Max, Model

from jiedan.accounts.models import User
from jiedan.contracts.models import (
    Cancellation,
    Contract,
    ContractStatusChange,
    ContractTerms,
    Delivery,
    Milestone,
    MilestoneStatusChange,
    TermsAcceptance,
    TimeEntry,
    WeeklyStatement,
)
from jiedan.ledger.models import Account, Entry, Journal, PendingFunds
from jiedan.messaging.models import Conversation, Membership, Message
from jiedan.payments.models import SandboxOperation, StatusChange, TopUp, WebhookEvent
from jiedan.profiles.models import ClientProfile, FreelancerProfile, ProfileSkill
from jiedan.projects.models import Project, ProjectStatusChange
from jiedan.proposals.models import Invitation, Proposal, ProposalMilestone, ProposalStatusChange
from jiedan.reviews.models import Review, ReviewReminder
from jiedan.search.models import SearchDocument

ProjectSkill = Project.skills.through

# Parents before children (a contract's current terms are written in the same transaction as
# the contract, so that one cycle is fine).
WRITE_ORDER: list[type[Model]] = [
    User,
    EmailAddress,
    FreelancerProfile,
    ProfileSkill,
    ClientProfile,
    Project,
    ProjectSkill,
    ProjectStatusChange,
    Invitation,
    Proposal,
    ProposalMilestone,
    ProposalStatusChange,
    Contract,
    ContractTerms,
    TermsAcceptance,
    ContractStatusChange,
    Milestone,
    MilestoneStatusChange,
    Delivery,
    Cancellation,
    WeeklyStatement,
    TimeEntry,
    Conversation,
    Membership,
    Message,
    Review,
    ReviewReminder,
    Account,
    Journal,
    Entry,
    PendingFunds,
    TopUp,
    SandboxOperation,
    WebhookEvent,
    StatusChange,
    SearchDocument,
]


class Ids:
    """The next free primary key of each model, taken once at the start."""

    def __init__(self, models: list[type[Model]]):
        self._next = {model: _first_free_id(model) for model in models}

    def take(self, model: type[Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def sequences_reset(self) -> None:
        """Move every sequence past the ids given out (PostgreSQL; SQLite's AUTOINCREMENT
        already remembers the highest id inserted)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._next))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _first_free_id(model: type[Model]) -> int:
    highest = model.objects.aggregate(highest=Max("pk"))["highest"] or 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s)::regclass)",
                [table, model._meta.pk.column],
            )
        else:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    return max(highest, (row[0] if row and row[0] else 0)) + 1


class Row:
    """A generated row of ``model``: its field values as attributes."""

    def __init__(self, model: type[Model], values: dict):
        self.__dict__.update(values)
        self._model = model

    def __getattr__(self, name: str):
        """A field not given reads as its default (and keeps it), as on a new instance."""
        fields = _fields_by_attname(self.__dict__["_model"])
        if name not in fields:
            raise AttributeError(name)
        value = fields[name].get_default()
        setattr(self, name, value)
        return value


@cache
def _fields_by_attname(model: type[Model]) -> dict:
    return {field.attname: field for field in model._meta.concrete_fields}


def record(model: type[Model], **values) -> Row:
    return Row(model, values)


# Fields whose Python value is already what the database driver takes.
PLAIN_FIELDS = (
    models.BigAutoField,
    models.AutoField,
    models.BigIntegerField,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BooleanField,
    models.CharField,
    models.DecimalField,  # amounts are Decimals already; drivers take them as they are
    models.TextField,
    models.SlugField,
    models.EmailField,
    models.ForeignKey,
    models.OneToOneField,
)


def _converter(field, db) -> Callable | None:
    """How a value of ``field`` is sent: as it is (None), or through the field's own
    ``get_db_prep_save``. Dates and aware date-times are what PostgreSQL's driver takes;
    SQLite stores them as text, date-times in UTC, which for a UTC date-time is its naive
    text (what Django's SQLite adapter returns; anything else still goes through it)."""
    if type(field) in PLAIN_FIELDS:
        return None
    if type(field) is models.DateField:
        return None if db.vendor == "postgresql" else db.ops.adapt_datefield_value
    if type(field) is models.DateTimeField:
        if db.vendor == "postgresql":
            return None
        if db.vendor == "sqlite" and db.timezone_name == "UTC":
            adapt = db.ops.adapt_datetimefield_value
            return lambda value: (
                str(value.replace(tzinfo=None))
                if value is not None and value.tzinfo is UTC
                else adapt(value)
            )
    return partial(field.get_db_prep_save, connection=db)


class _Table:
    """How rows of one model become database values."""

    def __init__(self, model: type[Model]):
        db = connections[DEFAULT_DB_ALIAS]
        fields = model._meta.concrete_fields
        self.table = model._meta.db_table
        self.columns = [field.column for field in fields]
        self.plan = [(field.attname, field, _converter(field, db)) for field in fields]

    def values(self, record: Row) -> tuple:
        given = record.__dict__
        values = []
        for name, field, convert in self.plan:
            value = given[name] if name in given else field.get_default()
            values.append(value if convert is None else convert(value))
        return tuple(values)

    def insert(self, records: list[Row]) -> None:
        rows = [self.values(record) for record in records]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        table = quote(self.table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                copy_sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in rows:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608 (names from the model)


class Writer:
    """Buffers rows per model and writes them in batches of ``batch_size``.

    With ``background``, a thread with its own database connection writes each batch (one
    transaction each, in order) while the caller goes on making rows, so the database works
    while Python does; ``close`` waits for the last batch and raises any error the thread
    met. Without it (inside a transaction, where another connection would not see the rows
    or would escape the transaction) ``flush`` writes at once."""

    def __init__(self, *, batch_size: int, background: bool = False):
        self.batch_size = batch_size
        self._buffers: dict[type[Model], list[Row]] = defaultdict(list)
        self._tables: dict[type[Model], _Table] = {}
        self.counts: dict[type[Model], int] = defaultdict(int)
        self.seconds_writing = 0.0
        self._queue: queue.Queue | None = None
        self._error: BaseException | None = None
        if background:
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._work, name="generate-writer")
            self._thread.start()

    def add(self, *rows: Row) -> None:
        """Buffer ``rows``; they are written together (rows that point at each other, such as a
        contract and its terms, are added in one call)."""
        full = False
        for record in rows:
            buffer = self._buffers[record._model]
            buffer.append(record)
            full = full or len(buffer) >= self.batch_size
        if full:
            self.flush()

    def flush(self) -> None:
        """Write (or hand to the thread) everything buffered, parents first."""
        unknown = set(self._buffers) - set(WRITE_ORDER)
        if unknown:
            raise RuntimeError(f"no write order for {unknown}")
        batch = [
            (model, self._buffers.pop(model)) for model in WRITE_ORDER if model in self._buffers
        ]
        for model, rows in batch:
            self.counts[model] += len(rows)
        if self._queue is None:
            self._write(batch)
            return
        self._raise_error()
        self._queue.put(batch)

    def close(self) -> None:
        """Write what is left and wait until everything is in the database."""
        self.flush()
        if self._queue is not None:
            self._queue.put(None)
            self._thread.join()
            self._queue = None
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise RuntimeError("writing generated rows failed") from self._error

    def _work(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self._error is None:
                    try:
                        self._write(batch)
                    except BaseException as error:  # handed to the caller by ``close``
                        self._error = error
        finally:
            connection.close()

    def _write(self, batch: list) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A batch need not wait for its commit to reach the disk (a crash loses the
                # last batches, never consistency): generated data is regenerated, not restored.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            for model, rows in batch:
                if model not in self._tables:
                    self._tables[model] = _Table(model)
                self._tables[model].insert(rows)
        reset_queries()  # with DEBUG on, Django would keep every INSERT in memory
        self.seconds_writing += time.perf_counter() - started

    @property
    def total(self) -> int:
        return sum(self.counts.values())
