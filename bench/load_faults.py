"""Load and fault tests of the production process layout, on loopback only.

One command starts ``deploy/prod-local`` on a fresh database with PostgreSQL and Redis
reached through fault-injecting proxies (``faultproxy.py``), seeds clients, freelancers,
projects and contracts through the services (``load_faults_data.py``), then drives a mixed
load of virtual users (browse, search, propose, message, fund, submit, release, top up) through
these phases:

- steady: no faults; no server error allowed;
- redis down: the Redis proxy refuses connections and resets the live ones (as a stopped Redis
  does); pages keep serving, websocket connections fail (counted apart), jobs the broker
  refuses are kept as deferred jobs; after Redis returns they drain to zero (timed);
- postgres restart: the PostgreSQL proxy refuses and resets every connection for
  ``--pg-down`` seconds; requests fail cleanly (503 with Retry-After, no hang) and succeed
  after;
- worker killed: a top-up's webhook job is held on a row lock, the worker's pool processes
  are killed with SIGKILL while it runs; the job must be delivered again and credit the wallet
  once;
- proxy faults: a few percent of new PostgreSQL connections dropped, live ones reset now and
  then, latency added; clients retry like a browser user (5xx, connection errors, "still in
  progress") and the books stay balanced;
- cool down.

Then it checks the books in the database (every milestone's status against its escrow
journals, top-ups against theirs, what the clients saw succeed against the journals created)
and runs ``manage.py ledger_audit``, and writes ``bench/RESULTS-load-faults.md``.

    .venv/bin/python bench/load_faults.py                    # about 10 minutes in all
    .venv/bin/python bench/load_faults.py --minutes 3 --users 6
    .venv/bin/python bench/load_faults.py --real-services    # also stop the real Redis and
                                                             # restart the real PostgreSQL

``--real-services`` stops the machine's Redis and restarts its PostgreSQL once each, briefly,
at the end (always started again): other programs using them notice. Without it only the
proxies fail.
"""

import argparse
import itertools
import json
import math
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[0] = str(ROOT / "src")  # not bench/ first: a script there may shadow a standard module
sys.path.append(str(BENCH))

import psycopg  # noqa: E402
import requests  # noqa: E402
from faultproxy import FaultProxy, Faults, ProxyThread  # noqa: E402
from websockets.sync.client import connect as websocket_connect  # noqa: E402

DATABASE = "jiedan_faults"
# An approval whose first answer was lost, retried: the milestone is no longer submitted, or,
# when it was the contract's last, the contract has completed meanwhile.
RELEASED_BEFORE = ("milestone_state", "contract_not_active")
PG_HOST, PG_PORT, REDIS_PORT = "127.0.0.1", 5432, 6379
TIMEOUT = (3, 20)  # connect, read: a request hanging longer counts as a timeout
READ_PATIENCE, WRITE_PATIENCE = 30, 90  # seconds a user keeps retrying a read, a money write
SEED_PROCESSES = 4
PROXY_FAULTS = Faults(latency=0.004, jitter=0.003, drop=0.05, reset=0.002)
WEB_PAGES = ["/zh-hans/", "/en/", "/en/projects/", "/zh-hans/projects/", "/en/freelancers/"]
QUERIES = ["网站", "logo", "小程序", "translation", "视频", "data", "设计", "shop"]
WEIGHTS = {
    "browse": 24,
    "search": 14,
    "read": 10,
    "propose": 6,
    "message": 12,
    "fund": 12,
    "submit": 10,
    "release": 10,
    "top_up": 2,
}


# --- what happened ------------------------------------------------------------------------


@dataclass
class Sample:
    phase: str
    action: str
    route: str
    status: object  # an HTTP status, or "connection error" / "timeout"
    seconds: float
    code: str = ""


@dataclass
class Recorder:
    phase: str = "setup"
    samples: list = field(default_factory=list)
    probes: list = field(default_factory=list)
    gauges: dict = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter = field(default_factory=Counter)
    notes: dict = field(default_factory=lambda: defaultdict(list))
    phase_times: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, phase: str) -> None:
        with self.lock:
            self.phase = phase
            self.phase_times.append((phase, time.monotonic()))
        print(f"[{datetime.now():%H:%M:%S}] phase: {phase}", flush=True)

    def request(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def probe(self, kind: str, result: str) -> None:
        with self.lock:
            self.probes.append((self.phase, kind, result))

    def gauge(self, kind: str, value: int) -> None:
        with self.lock:
            self.gauges[(self.phase, kind)].append(value)

    def outcome(self, phase: str, action: str, result: str) -> None:
        with self.lock:
            self.outcomes[(phase, action, result)] += 1

    def note(self, phase: str, text: str) -> None:
        print(f"    {text}", flush=True)
        with self.lock:
            self.notes[phase].append(text)


def route_of(path: str) -> str:
    path = path.split("?")[0]
    path = re.sub(r"/[\w-]{20,}/", "/{token}/", path)
    return re.sub(r"/\d+", "/{id}", path)


def retryable(status, code: str) -> bool:
    """What a browser user (or a careful client) tries again: no answer, a server error, too
    many requests, or the same request still being processed."""
    if isinstance(status, str) or status >= 500 or status == 429:
        return True
    return status == 409 and code == "idempotency_request_in_progress"


class Browser:
    """One person's HTTP session: an access token for the API, cookies for pages."""

    def __init__(self, base: str, recorder: Recorder, token: str | None = None):
        self.base, self.recorder = base, recorder
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, action: str, method: str, path: str, *, patience=READ_PATIENCE, **kwargs):
        """The answer, after retrying what a user would retry for ``patience`` seconds; None
        when no final answer came in that time."""
        deadline, wait = time.monotonic() + patience, 0.5
        while True:
            started = time.monotonic()
            response, code = None, ""
            try:
                response = self.session.request(
                    method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
                )
                status = response.status_code
                if status >= 400 and "json" in response.headers.get("Content-Type", ""):
                    code = str(response.json().get("code", ""))
            except requests.Timeout:
                status = "timeout"
            except requests.ConnectionError:
                status = "connection error"
            seconds = time.monotonic() - started
            for cookie in self.session.cookies:
                # the site's cookies are Secure; over plain HTTP on loopback a browser treats
                # 127.0.0.1 as a secure origin and sends them, so send them too
                cookie.secure = False
            route = f"{method} {route_of(path)}"
            self.recorder.request(Sample(self.recorder.phase, action, route, status, seconds, code))
            if not retryable(status, code):
                return response
            if time.monotonic() + wait > deadline:
                return None
            time.sleep(wait)
            wait = min(wait * 2, 5)

    def csrf_post(self, action: str, path: str, data: dict, patience=READ_PATIENCE):
        """A form post as a browser makes it: read the page (for the CSRF cookie), then post."""
        page = self.call(action, "GET", path, patience=patience)
        if page is None or page.status_code != 200:
            return page
        token = self.session.cookies.get("csrftoken", "")
        headers = {"Referer": self.base + path, "Origin": self.base}
        return self.call(
            action,
            "POST",
            path,
            data={"csrfmiddlewaretoken": token, **data},
            headers=headers,
            patience=patience,
        )


# --- the virtual users --------------------------------------------------------------------


@dataclass
class Ledger:
    """What the clients saw happen to money (by milestone and top-up id)."""

    funded: set = field(default_factory=set)
    funded_before: set = field(default_factory=set)  # 409: an earlier attempt had funded it
    released: set = field(default_factory=set)
    released_before: set = field(default_factory=set)
    fund_unknown: set = field(default_factory=set)
    release_unknown: set = field(default_factory=set)
    top_ups_paid: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, item) -> None:
        with self.lock:
            getattr(self, name).add(item)


class Pair:
    """A client and a freelancer working together, driven by one virtual user."""

    def __init__(self, data: dict, base: str, recorder: Recorder, ledger: Ledger, projects):
        self.client = Browser(base, recorder, data["client"]["token"])
        self.freelancer = Browser(base, recorder, data["freelancer"]["token"])
        self.visitor = Browser(base, recorder)
        self.recorder, self.ledger, self.projects = recorder, ledger, projects
        self.contract_ids = [c["id"] for c in data["contracts"]]
        self.unfunded = [m for c in data["contracts"] for m in c["milestones"]]
        self.funded, self.submitted = [], []
        self.proposed: set[int] = set()
        self.conversations: dict[int, int] = {}
        self.random = random.Random(data["client"]["id"])  # noqa: S311 (load, not secrets)

    def act(self, action: str) -> None:
        getattr(self, action)()

    def outcome(self, action: str, response, ok=(200, 201, 302)) -> str:
        if response is None:
            result = "no answer"
        elif response.status_code in ok:
            result = "ok"
        else:
            result = f"refused {response.status_code}"
        self.recorder.outcome(self.recorder.phase, action, result)
        return result

    def browse(self) -> None:
        path = self.random.choice([*WEB_PAGES, "/en/projects/{}/", "/zh-hans/projects/{}/"])
        self.outcome("browse", self.visitor.call("browse", "GET", path.format(self._project())))

    def search(self) -> None:
        query = self.random.choice(QUERIES)
        path = self.random.choice(["/en/projects/?q={}", "/api/v1/projects?q={}"])
        self.outcome("search", self.visitor.call("search", "GET", path.format(query)))

    def read(self) -> None:
        who = self.random.choice([self.client, self.freelancer])
        path = self.random.choice(
            ["/api/v1/wallet/summary?currency=CNY", "/api/v1/contracts", "/api/v1/notifications"]
        )
        self.outcome("read", who.call("read", "GET", path))

    def propose(self) -> None:
        choices = [p for p in self.projects if p not in self.proposed]
        if not choices:
            return self.browse()
        project = self.random.choice(choices)
        self.proposed.add(project)
        body = {
            "project_id": project,
            "cover_letter": "我可以按时完成 — I can deliver this on time, with the sources.",
            "amount": "1800",
            "delivery_days": 12,
        }
        response = self.freelancer.call("propose", "POST", "/api/v1/proposals", json=body)
        self.outcome("propose", response, ok=(201, 409))  # 409: already proposed on it

    def message(self) -> None:
        contract = self.random.choice(self.contract_ids)
        sender = self.random.choice([self.client, self.freelancer])
        if contract not in self.conversations:
            opened = sender.call(
                "message",
                "POST",
                "/api/v1/messages/conversations",
                json={"kind": "contract", "subject_id": contract},
            )
            if opened is None or opened.status_code != 200:
                return self.outcome("message", opened)
            self.conversations[contract] = opened.json()["id"]
        path = f"/api/v1/messages/conversations/{self.conversations[contract]}/messages"
        body = {"body": f"进度更新 / progress update {uuid.uuid4().hex[:8]}"}
        self.outcome("message", sender.call("message", "POST", path, json=body), ok=(200, 201))

    def fund(self) -> None:
        if not self.unfunded:
            return self.read()
        milestone = self.unfunded.pop(0)
        response = self.client.call(
            "fund",
            "POST",
            f"/api/v1/contracts/milestones/{milestone}/fund",
            headers={"Idempotency-Key": f"fund-{milestone}"},
            patience=WRITE_PATIENCE,
        )
        result = self.outcome("fund", response)
        if result == "ok":
            self.ledger.add("funded", milestone)
            self.funded.append(milestone)
        elif response is not None and _code(response) == "milestone_state":
            self.ledger.add("funded_before", milestone)
            self.funded.append(milestone)
        elif response is None:
            self.ledger.add("fund_unknown", milestone)

    def submit(self) -> None:
        if not self.funded:
            return self.fund()
        milestone = self.funded.pop(0)
        response = self.freelancer.call(
            "submit",
            "POST",
            f"/api/v1/contracts/milestones/{milestone}/submit",
            json={"message": "交付第一版 — first version delivered."},
            patience=WRITE_PATIENCE,
        )
        result = self.outcome("submit", response)
        if result == "ok" or (response is not None and _code(response) == "milestone_state"):
            self.submitted.append(milestone)

    def release(self) -> None:
        if not self.submitted:
            return self.submit()
        milestone = self.submitted.pop(0)
        response = self.client.call(
            "release",
            "POST",
            f"/api/v1/contracts/milestones/{milestone}/approve",
            headers={"Idempotency-Key": f"release-{milestone}"},
            patience=WRITE_PATIENCE,
        )
        result = self.outcome("release", response)
        if result == "ok":
            self.ledger.add("released", milestone)
        elif response is not None and _code(response) in RELEASED_BEFORE:
            self.ledger.add("released_before", milestone)
        elif response is None:
            self.ledger.add("release_unknown", milestone)

    def top_up(self) -> int | None:
        """Add 100 CNY through the sandbox: start it by the API, pay on the hosted page."""
        started = self.client.call(
            "top_up",
            "POST",
            "/api/v1/wallet/top-ups",
            json={"amount": "100.00", "currency": "CNY"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
            patience=WRITE_PATIENCE,
        )
        if started is None or started.status_code != 201:
            self.outcome("top_up", started)
            return None
        top_up = started.json()
        paid = self.visitor.csrf_post(
            "top_up", top_up["checkout_url"], {"choice": "pay"}, patience=WRITE_PATIENCE
        )
        if self.outcome("top_up", paid) == "ok":
            self.ledger.add("top_ups_paid", top_up["id"])
        return top_up["id"]

    def _project(self) -> int:
        return self.random.choice(self.projects)


def _code(response) -> str:
    try:
        return str(response.json().get("code", ""))
    except ValueError:
        return ""


def drive(pair: Pair, stop: threading.Event, think: float) -> None:
    actions, weights = list(WEIGHTS), list(WEIGHTS.values())
    while not stop.is_set():
        action = pair.random.choices(actions, weights)[0]
        try:
            pair.act(action)
        except Exception as error:  # a bug of this script must not stop the others
            pair.recorder.note(pair.recorder.phase, f"virtual user error in {action}: {error!r}")
        stop.wait(pair.random.uniform(0.5, 1.5) * think)


def probe(run: "Run", email: str, password: str, stop: threading.Event):
    """Every second /readyz and the connections open to PostgreSQL; every three seconds a
    signed-in websocket that must say hello."""
    base, recorder = run.site.base, run.recorder
    url, cookie, tick = base.replace("http", "ws") + "/ws/events/", None, 0
    while not stop.wait(1):
        try:
            ready = requests.get(base + "/readyz", timeout=TIMEOUT).json()["status"]
        except (requests.RequestException, ValueError):
            ready = "no answer"
        recorder.probe("readyz", ready)
        recorder.gauge("connections to PostgreSQL", run.pg.live)
        tick += 1
        if tick % 3:
            continue
        cookie = cookie or _signed_in_cookie(base, recorder, email, password)
        if cookie is None:
            recorder.probe("websocket", "could not sign in")
            continue
        try:
            with websocket_connect(
                url, additional_headers={"Cookie": cookie, "Origin": base}, open_timeout=5
            ) as socket:
                hello = json.loads(socket.recv(timeout=5))
                result = "ok" if hello.get("event") == "hello" else f"unexpected {hello}"
        except Exception as error:  # every way a socket fails is a result here
            result = type(error).__name__
        recorder.probe("websocket", result)


def _signed_in_cookie(base: str, recorder: Recorder, email: str, password: str) -> str | None:
    browser = Browser(base, recorder)
    form = {"login": email, "password": password}
    signed_in = browser.csrf_post("sign in", "/en/accounts/login/", form, patience=5)
    if signed_in is None or signed_in.status_code != 302:
        return None
    return "; ".join(f"{c.name}={c.value}" for c in browser.session.cookies)


def warm_up(pairs: list) -> None:
    """Each web process loads its text encoder on its first search (seconds): search from
    every user at once, twice, before anything is measured."""
    for _round in range(2):
        threads = [threading.Thread(target=pair.search) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


# --- the site under test ------------------------------------------------------------------


class Site:
    """``deploy/prod-local`` on our database, port and Redis database, through the proxies."""

    def __init__(self, args):
        self.port, self.redis_db = args.port, args.redis_db
        self.base = f"http://127.0.0.1:{args.port}"
        self.state = ROOT / "var" / "prod-local" / str(args.port)
        self.variables = {
            "PROD_LOCAL_DB": DATABASE,
            "PROD_LOCAL_PORT": str(args.port),
            "PROD_LOCAL_REDIS_DB": str(args.redis_db),
            "PROD_LOCAL_DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_proxy}/{DATABASE}",
            "PROD_LOCAL_REDIS_URL": f"redis://127.0.0.1:{args.redis_proxy}/{args.redis_db}",
            "PROPOSALS_MONTHLY_QUOTA": "100000",
        }

    def prod_local(self, *command: str, **kwargs):
        env = {**os.environ, **self.variables}
        return subprocess.run(
            ["deploy/prod-local", *command], cwd=ROOT, env=env, check=True, text=True, **kwargs
        )

    def django_env(self) -> dict:
        """The site's environment for a manage.py-like process, straight to PostgreSQL."""
        printed = self.prod_local("env", capture_output=True).stdout
        env = dict(os.environ)
        for line in printed.splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value.strip("'\"")
        env["DATABASE_URL"] = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{DATABASE}"
        return env

    def data(self, *arguments: str) -> dict:
        done = subprocess.run(
            [sys.executable, str(BENCH / "load_faults_data.py"), *arguments],
            cwd=ROOT,
            env=self.django_env(),
            text=True,
            capture_output=True,
        )
        if done.returncode:
            raise RuntimeError(f"load_faults_data.py {arguments[0]} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def ledger_audit(self) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "manage.py", "ledger_audit"],
            cwd=ROOT,
            env=self.django_env(),
            text=True,
            capture_output=True,
        )
        return done.returncode, (done.stdout + done.stderr).strip()

    def pid(self, name: str) -> int:
        return int((self.state / f"{name}.pid").read_text())


def sql(query: str, *params):
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user="postgres", dbname=DATABASE, autocommit=True
    ) as connection:
        return connection.execute(query, params).fetchall()


def deferred_jobs() -> int:
    return sql("SELECT count(*) FROM core_deferredjob")[0][0]


def pending_top_ups(ids: list[int]) -> int:
    query = "SELECT count(*) FROM payments_topup WHERE status = 'pending' AND id = ANY(%s)"
    return sql(query, ids)[0][0]


# --- the scenarios ------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    site: Site
    proxies: ProxyThread
    pg: FaultProxy
    redis: FaultProxy
    recorder: Recorder
    ledger: Ledger
    pairs: list
    drain: dict = field(default_factory=dict)


def watch_drain(run: Run, since: float, label: str) -> None:
    """Time until the deferred jobs are all sent again (at most 180 s)."""
    peak, run.drain[label] = 0, {"peak": 0, "seconds": None, "left": "still waiting"}
    while time.monotonic() - since < 180:
        try:
            count = deferred_jobs()
        except psycopg.OperationalError:  # PostgreSQL restarting meanwhile
            time.sleep(2)
            continue
        peak = max(peak, count)
        if count == 0:
            run.drain[label] = {"peak": peak, "seconds": round(time.monotonic() - since, 1)}
            return
        time.sleep(2)
    run.drain[label] = {"peak": peak, "seconds": None, "left": "some"}


def redis_outage(run: Run) -> None:
    run.recorder.enter("redis down")
    reset = run.proxies.call(run.redis.refuse)
    run.recorder.note("redis down", f"Redis proxy refusing; {reset} live connections reset")
    time.sleep(run.args.redis_down)
    run.recorder.note("redis down", f"{deferred_jobs()} deferred jobs kept while Redis was down")
    run.proxies.run(run.redis.accept())
    back = time.monotonic()
    threading.Thread(target=watch_drain, args=(run, back, "redis down"), daemon=True).start()


def postgres_restart(run: Run) -> None:
    run.recorder.enter("postgres restart")
    reset = run.proxies.call(run.pg.refuse)
    run.recorder.note("postgres restart", f"PostgreSQL proxy refusing; {reset} connections reset")
    time.sleep(run.args.pg_down)
    run.proxies.run(run.pg.accept())


def worker_kill(run: Run) -> dict:
    """Hold a top-up row locked so its webhook job waits inside its transaction, kill the
    worker's pool processes (SIGKILL), let go, and see the job delivered again and applied
    once."""
    phase = "worker killed"
    run.recorder.enter(phase)
    pair = run.pairs[0]
    log = run.site.state / "worker.log"
    offset = log.stat().st_size
    started = pair.client.call(
        "top_up",
        "POST",
        "/api/v1/wallet/top-ups",
        json={"amount": "100.00", "currency": "CNY"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        patience=WRITE_PATIENCE,
    )
    top_up = started.json()
    result = {"top_up": top_up["id"]}
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=DATABASE) as lock:
        lock.execute("SELECT id FROM payments_topup WHERE id = %s FOR UPDATE", (top_up["id"],))
        paid = pair.visitor.csrf_post(
            "top_up", top_up["checkout_url"], {"choice": "pay"}, patience=WRITE_PATIENCE
        )
        result["paid"] = paid is not None and paid.status_code == 302
        waiting = _wait_for(
            lambda: sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
                "'Lock' AND query ILIKE '%%payments_topup%%'",
                DATABASE,
            ),
            seconds=30,
        )
        result["job waited on the lock"] = bool(waiting)
        main = run.site.pid("worker")
        children = [int(p) for p in _children(main)]
        for child in children:
            os.kill(child, signal.SIGKILL)
        result["killed"] = children
        run.recorder.note(phase, f"SIGKILL to the worker's pool processes {children}")
        time.sleep(2)
        lock.rollback()
    credited = _wait_for(
        lambda: (
            (r := pair.client.call("read", "GET", f"/api/v1/wallet/top-ups/{top_up['id']}"))
            and r.status_code == 200
            and r.json()["status"] == "succeeded"
        ),
        seconds=60,
    )
    result["credited"] = bool(credited)
    result["log"] = _task_history(log, offset)
    return result


def _children(pid: int) -> list[str]:
    done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return done.stdout.split()


def _wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.5)
    return None


def _task_history(log: Path, offset: int) -> dict:
    """The jobs the worker received more than once since ``offset`` of its log (delivered
    again after the kill), each with how often it succeeded."""
    with log.open() as handle:
        handle.seek(offset)
        text = handle.read()
    events, names = defaultdict(Counter), {}
    for name, task_id, event in re.findall(r"Task ([\w.]+)\[([\w-]+)\] (received|succeeded)", text):
        events[task_id][event] += 1
        names[task_id] = name.rsplit(".", 1)[-1]
    return {
        "pool processes killed": len(re.findall(r"exited with 'signal 9", text)),
        "jobs delivered again": {
            f"{names[task_id]}[{task_id[:8]}]": dict(counts)
            for task_id, counts in events.items()
            if counts["received"] > 1
        },
    }


@contextmanager
def proxy_faults(run: Run):
    run.recorder.enter("proxy faults")
    run.pg.faults = PROXY_FAULTS
    try:
        yield
    finally:
        run.pg.faults = Faults()


def real_redis_stop(run: Run) -> None:
    """Stop the machine's Redis for a moment (others notice), then start it again."""
    run.recorder.enter("real redis stop")
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False)
    try:
        time.sleep(min(run.args.redis_down, 20))
    finally:
        subprocess.run(
            [
                "redis-server",
                "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
                "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                "--logfile", "/var/log/redis/ci.log",
            ],
            check=True,
        )  # fmt: skip
    threading.Thread(
        target=watch_drain, args=(run, time.monotonic(), "real redis stop"), daemon=True
    ).start()


def real_postgres_restart(run: Run) -> None:
    run.recorder.enter("real postgres restart")
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    restart = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"]
    try:
        subprocess.run(restart, check=True, timeout=120)
    finally:
        if subprocess.run(["pg_isready", "-q", "-h", PG_HOST]).returncode != 0:
            subprocess.run([*restart[:-1], "start"], check=False)


# --- the report ---------------------------------------------------------------------------


def status_class(status) -> str:
    if isinstance(status, str):
        return status
    if status == 503:
        return "503"
    return f"{status // 100}xx"


CLASSES = ["2xx", "3xx", "4xx", "503", "5xx", "connection error", "timeout"]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def phase_rows(recorder: Recorder) -> list[str]:
    by_phase = defaultdict(list)
    for sample in recorder.samples:
        by_phase[sample.phase].append(sample)
    rows = [
        "| phase | seconds | requests | " + " | ".join(CLASSES) + " | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|" + "---:|" * (len(CLASSES) + 3),
    ]
    times = [*recorder.phase_times, ("end", time.monotonic())]
    spans = {name: end - start for (name, start), (_, end) in itertools.pairwise(times)}
    for phase, _start in recorder.phase_times:
        samples = by_phase.get(phase, [])
        if not samples:
            continue
        classes = Counter(status_class(s.status) for s in samples)
        latency = [s.seconds * 1000 for s in samples]
        rows.append(
            f"| {phase} | {spans[phase]:.0f} | {len(samples)} | "
            + " | ".join(str(classes.get(c, 0)) for c in CLASSES)
            + f" | {percentile(latency, 0.5):.0f} | {percentile(latency, 0.99):.0f}"
            + f" | {max(latency):.0f} |"
        )
    return rows


def error_rows(recorder: Recorder) -> list[str]:
    errors = Counter(
        (s.phase, status_class(s.status), s.route, s.code)
        for s in recorder.samples
        if status_class(s.status) not in ("2xx", "3xx")
    )
    rows = ["| phase | status | request | code | count |", "|---|---|---|---|---:|"]
    for (phase, status, route, code), count in sorted(errors.items(), key=lambda i: -i[1])[:60]:
        rows.append(f"| {phase} | {status} | `{route}` | {code} | {count} |")
    return rows


def outcome_rows(recorder: Recorder) -> list[str]:
    table = defaultdict(Counter)
    for (phase, action, result), count in recorder.outcomes.items():
        table[(phase, action)][result] += count
    rows = ["| phase | action | outcomes |", "|---|---|---|"]
    for (phase, action), results in table.items():
        text = ", ".join(f"{result} {count}" for result, count in results.most_common())
        rows.append(f"| {phase} | {action} | {text} |")
    return rows


def probe_rows(recorder: Recorder) -> list[str]:
    table = defaultdict(Counter)
    for phase, kind, result in recorder.probes:
        table[(phase, kind)][result] += 1
    rows = ["| phase | probe | results |", "|---|---|---|"]
    for (phase, kind), results in table.items():
        text = ", ".join(f"{result} {count}" for result, count in results.most_common())
        rows.append(f"| {phase} | {kind} | {text} |")
    for (phase, kind), values in recorder.gauges.items():
        rows.append(
            f"| {phase} | {kind} | median {statistics.median(values):.0f}, max {max(values)} |"
        )
    return rows


def _redelivered_once(kill: dict) -> bool:
    again = kill.get("log", {}).get("jobs delivered again", {})
    webhook = [c for name, c in again.items() if name.startswith("deliver_sandbox_event")]
    books = kill.get("books", {})
    return (
        kill.get("job waited on the lock", False)
        and kill.get("credited", False)
        and any(counts.get("succeeded") == 1 for counts in webhook)
        and (books.get("journals"), books.get("webhook_events")) == (1, 1)
    )


def write_report(run: Run, books: dict, audit: tuple[int, str], kill: dict, path: Path) -> bool:
    recorder, ledger = run.recorder, run.ledger
    steady_5xx = sum(
        1
        for s in recorder.samples
        if s.phase in ("steady", "cool down") and status_class(s.status) in ("503", "5xx")
    )
    server_500 = Counter(s.phase for s in recorder.samples if status_class(s.status) == "5xx")
    journals = books["journals_since"]
    held_seen = len(ledger.funded | ledger.funded_before)
    released_seen = len(ledger.released | ledger.released_before)
    checks = {
        "no server error in the steady and cool-down phases": steady_5xx == 0,
        "no 500 at all (only clean 503s)": not server_500,
        "deferred jobs drained after Redis came back": all(
            d.get("seconds") is not None for d in run.drain.values()
        )
        and books["deferred_jobs"] == 0,
        "every milestone's escrow journals match its status": not books["milestones"]["mismatches"],
        "every top-up's journal matches its status": not books["top_ups"]["mismatches"],
        "escrow.held journals = milestones the clients saw funded": held_seen
        <= journals.get("escrow.held", 0)
        <= held_seen + len(ledger.fund_unknown),
        "escrow.released journals = milestones the clients saw released": released_seen
        <= journals.get("escrow.released", 0)
        <= released_seen + len(ledger.release_unknown),
        "every top-up paid was credited": books["top_ups"]["statuses"].get("pending", 0) == 0,
        "killed webhook job delivered again and applied once": _redelivered_once(kill),
        "ledger_audit passes": audit[0] == 0,
    }
    lines = [
        "# Load and fault tests (`bench/load_faults.py`)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}): "
        f"{run.args.users} virtual users, think time {run.args.think} s, the production "
        "process layout (`deploy/prod-local`: gunicorn with 2 uvicorn workers, a Celery worker "
        "of 2 processes and beat) with PostgreSQL and Redis behind `bench/faultproxy.py`.",
        "",
        "## Verdict",
        "",
        *[f"- [{'x' if ok else ' '}] {name}" for name, ok in checks.items()],
        "",
        "## Requests per phase",
        "",
        "Every attempt counts, retries included (a user retries a 5xx, a connection error or a "
        "timeout with backoff, up to 30 s for reads and 90 s for money). 503 is a clean refusal "
        "(with Retry-After); 5xx is any other server error.",
        "",
        *phase_rows(recorder),
        "",
        "## Actions per phase (after retries)",
        "",
        *outcome_rows(recorder),
        "",
        "## Errors",
        "",
        *error_rows(recorder),
        "",
        "## Probes (readiness every second, a signed-in websocket every three seconds)",
        "",
        *probe_rows(recorder),
        "",
        "## Deferred jobs after each Redis outage",
        "",
        *[
            f"- {label}: peak {d['peak']} rows, drained in {d['seconds']} s"
            + (f" ({d['left']} left)" if d.get("left") else "")
            for label, d in run.drain.items()
        ],
        "",
        "## The worker killed mid-task",
        "",
        "```",
        json.dumps(kill, indent=2, ensure_ascii=False),
        "```",
        "",
        "## Money",
        "",
        f"- Journals created during the load: {json.dumps(journals)}",
        f"- Milestones the clients saw funded: {len(ledger.funded)} (+{len(ledger.funded_before)} "
        f"answered 'already funded' after a lost answer); escrow.held journals: "
        f"{journals.get('escrow.held', 0)}; fund attempts without a final answer: "
        f"{len(ledger.fund_unknown)}",
        f"- Milestones the clients saw released: {len(ledger.released)} "
        f"(+{len(ledger.released_before)} 'already released'); escrow.released journals: "
        f"{journals.get('escrow.released', 0)}; without a final answer: "
        f"{len(ledger.release_unknown)}",
        f"- Top-ups paid on the sandbox page: {len(ledger.top_ups_paid) + 1} (one by the worker "
        f"scenario); top-ups by status: {json.dumps(books['top_ups']['statuses'])}; "
        f"wallet.top_up journals: {journals.get('wallet.top_up', 0)}",
        f"- Seeded milestones by status: {json.dumps(books['milestones']['statuses'])}",
        f"- Mismatches: {books['milestones']['mismatches'] + books['top_ups']['mismatches']}",
        f"- Deferred jobs left: {books['deferred_jobs']}",
        f"- `manage.py ledger_audit` (exit {audit[0]}): {audit[1][-400:]}",
        "",
    ]
    for phase, notes in recorder.notes.items():
        lines += [f"Notes ({phase}):", "", *[f"- {note}" for note in notes], ""]
    path.write_text("\n".join(lines))
    return all(checks.values())


# --- the run ------------------------------------------------------------------------------


def seed(site: Site, args) -> dict:
    """The seeded people and work, written by a few processes at once."""
    # a user funds a milestone in about one action of six; ten milestones a contract
    contracts = max(3, math.ceil(args.minutes * 60 / args.think / 130))
    processes = min(SEED_PROCESSES, args.users)
    sizes = [len(range(n, args.users, processes)) for n in range(processes)]

    def part(pairs: int) -> dict:
        return site.data(
            "seed", "--pairs", str(pairs), "--contracts", str(contracts), "--milestones", "10"
        )

    with ThreadPoolExecutor(processes) as pool:
        parts = list(pool.map(part, sizes))
    return {
        "password": parts[0]["password"],
        "pairs": [pair for done in parts for pair in done["pairs"]],
        "projects": [project for done in parts for project in done["projects"]],
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=12, help="virtual users (client+freelancer)")
    parser.add_argument("--minutes", type=float, default=6, help="length of the load")
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between actions")
    parser.add_argument("--port", type=int, default=8004)
    parser.add_argument("--redis-db", type=int, default=6)
    parser.add_argument("--pg-proxy", type=int, default=18004, help="port of the proxy")
    parser.add_argument("--redis-proxy", type=int, default=28004, help="port of the proxy")
    parser.add_argument("--redis-down", type=float, default=30, help="seconds")
    parser.add_argument("--pg-down", type=float, default=15, help="seconds")
    parser.add_argument("--real-services", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="the site runs already: no restart")
    parser.add_argument("--keep", action="store_true", help="leave the site running at the end")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS-load-faults.md")
    return parser.parse_args()


def load_phases(run: Run) -> dict:
    """The phases, in order, while the virtual users keep going; returns the worker scenario."""
    total, recorder = run.args.minutes * 60, run.recorder
    recorder.enter("steady")
    time.sleep(0.25 * total)
    redis_outage(run)
    recorder.enter("after redis")
    time.sleep(0.15 * total)
    postgres_restart(run)
    recorder.enter("after postgres")
    time.sleep(0.10 * total)
    kill = worker_kill(run)
    with proxy_faults(run):
        time.sleep(0.25 * total)
    if run.args.real_services:
        real_redis_stop(run)
        recorder.enter("after real redis")
        time.sleep(30)
        real_postgres_restart(run)
        recorder.enter("after real postgres")
        time.sleep(30)
    recorder.enter("cool down")
    time.sleep(max(20, 0.1 * total))
    return kill


def main() -> int:
    args = parse_args()
    began = time.monotonic()
    site, recorder, ledger = Site(args), Recorder(), Ledger()
    with ProxyThread() as proxies:
        pg = proxies.start(FaultProxy(args.pg_proxy, PG_HOST, PG_PORT))
        redis = proxies.start(FaultProxy(args.redis_proxy, "127.0.0.1", REDIS_PORT))
        try:
            if not args.reuse:
                recorder.enter("start the site")
                site.prod_local("start", "--fresh", stdout=subprocess.DEVNULL)
            recorder.enter("seed")
            seeded = seed(site, args)
            since = datetime.now(UTC).isoformat()
            projects = seeded["projects"]
            pairs = [Pair(p, site.base, recorder, ledger, projects) for p in seeded["pairs"]]
            run = Run(args, site, proxies, pg, redis, recorder, ledger, pairs)
            stop = threading.Event()
            first = seeded["pairs"][0]["client"]["email"]
            threads = [
                threading.Thread(target=drive, args=(pair, stop, args.think)) for pair in pairs
            ]
            threads.append(
                threading.Thread(target=probe, args=(run, first, seeded["password"], stop))
            )
            recorder.enter("warm-up")
            warm_up(pairs)
            for thread in threads:
                thread.start()
            try:
                kill = load_phases(run)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=WRITE_PATIENCE + 30)
            recorder.enter("books")
            _wait_for(lambda: deferred_jobs() == 0, seconds=120)
            paid = [*ledger.top_ups_paid, kill["top_up"]]
            _wait_for(lambda: pending_top_ups(paid) == 0, seconds=90)  # the last webhook jobs
            ids = [m for p in seeded["pairs"] for c in p["contracts"] for m in c["milestones"]]
            with tempfile.NamedTemporaryFile("w", suffix=".json") as milestones:
                json.dump(ids, milestones)
                milestones.flush()
                books = site.data(
                    "books", "--since", since, "--milestones", milestones.name,
                    "--top-up", str(kill["top_up"]),
                )  # fmt: skip
            kill["books"] = books.pop("top_up")
            audit = site.ledger_audit()
            passed = write_report(run, books, audit, kill, args.output)
        finally:
            if not args.keep:
                site.prod_local("stop")
    minutes = (time.monotonic() - began) / 60
    print(f"{'PASSED' if passed else 'FAILED'} in {minutes:.1f} min; see {args.output}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
