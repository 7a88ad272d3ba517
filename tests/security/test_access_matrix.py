"""Who on staff sees which private data, written out as one table, and proof that every
allowed look at private data leaves an entry in the audit trail.

Rules (``accounts.roles``): support sees accounts, profiles, contracts, notification history
and dispute status, never payment details or identity documents; finance sees the ledger and
payouts, never message content; moderators see reported content and identity documents;
a mediator sees only the disputes assigned to them; admins manage roles and read the audit
trail. Plain users and anonymous visitors see none of it. Contact details, full payout
account numbers and ID numbers appear on no staff screen at all.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from PIL import Image

from jiedan.audit.models import AuditEntry, Kind
from jiedan.audit.services import audit_access
from jiedan.contracts.models import Delivery
from jiedan.disputes import services as dispute_services
from jiedan.ledger.models import Account, Journal
from jiedan.messaging.models import SafetyFlag
from jiedan.notifications.models import Notification
from jiedan.profiles import services as profile_services
from jiedan.verification import services as verification_services
from jiedan.verification.models import DocumentType
from tests.disputes.factories import assigner, in_mediation, mediator, opened
from tests.factories import StaffFactory, UserFactory
from tests.messaging.factories import parties, proposal_conversation, say
from tests.payments.factories import bank_method, top_up_paid, withdrawal_sent

from .conftest import browser, enrolled, staff

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
ACCOUNT_NUMBER = "6222020200112233"
ID_NUMBER = "11010519491231002X"
FLAGGED_TEXT = "微信 zhang_san88"
REASON = "ticket 4711: customer asked"
NEVER_SHOWN = (PHONE, ACCOUNT_NUMBER, ID_NUMBER)

ROLES = [
    "support",
    "finance",
    "moderator",
    "mediator (assigned)",
    "mediator (not assigned)",
    "admin",
    "user",
    "anonymous",
]
ACCOUNT_VIEWERS = {"support", "finance", "moderator", "admin"}


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class World:
    """One of every kind of private record, and a person in every role."""

    dispute: object
    evidence: object
    delivery: object
    profile: object
    payout_method: object
    withdrawal: object
    wallet: object
    journal: object
    flag: object
    notification: object
    submission: object
    entry: object
    people: dict = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    dispute = in_mediation(
        opened("client"), mediator_user=enrolled(mediator()), assigner_user=enrolled(assigner())
    )
    evidence = dispute_services.dispute_evidence_add(
        actor=dispute.contract.freelancer, dispute_id=dispute.pk, upload=_png("proof.png")
    )
    freelancer = dispute.contract.freelancer
    profile_services.freelancer_profile_ensure(user=freelancer)
    profile = profile_services.freelancer_contacts_update(
        user=freelancer, contacts=profile_services.ContactDetails(phone=PHONE, qq="123456789")
    )
    payee = UserFactory()
    top_up_paid(payee, "500.00", key="matrix")
    method = bank_method(payee, account=ACCOUNT_NUMBER)
    conversation = proposal_conversation()
    say(conversation, parties(conversation)[1], f"先付定金，{FLAGGED_TEXT}")
    submission = verification_services.identity_submit(
        user=UserFactory(),
        document_type=DocumentType.CN_RESIDENT_ID,
        real_name="张三丰",
        id_number=ID_NUMBER,
        document=_png("id.png"),
    )
    world = World(
        dispute=dispute,
        evidence=evidence,
        delivery=Delivery.objects.get(milestone=dispute.milestone),
        profile=profile,
        payout_method=method,
        withdrawal=withdrawal_sent(payee, method),
        wallet=Account.objects.filter(owner=payee).first(),
        journal=Journal.objects.first(),
        flag=SafetyFlag.objects.get(),
        notification=Notification.objects.first(),
        submission=submission,
        entry=audit_access(
            staff=StaffFactory(), action="test.seed", reason="seed", subject_user=payee
        ),
    )
    world.people = {
        "support": staff("support"),
        "finance": staff("finance"),
        "moderator": staff("moderator"),
        "mediator (assigned)": dispute.mediator,
        "mediator (not assigned)": enrolled(mediator()),
        "admin": staff("admin"),
        "user": UserFactory(),
        "anonymous": None,
    }
    return world


def _en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def _admin_list(model: str) -> Callable[[World], str]:
    return lambda w: _en(f"admin:{model.replace('.', '_')}_changelist")


def _admin_record(model: str, attr: str) -> Callable[[World], str]:
    def url(w: World) -> str:
        path = _en(f"admin:{model.replace('.', '_')}_change", getattr(w, attr).pk)
        return f"{path}?access_reason={REASON.replace(' ', '+')}"

    return url


@dataclass(frozen=True)
class Target:
    """One screen or API answer: who may open it, and how many access entries opening it
    writes (one per person whose private data it shows)."""

    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    logged: int = 1
    method: str = "get"
    ok_status: int = 200
    shows: Callable[[World], str] | None = None  # private text the allowed see


def _t(name, url, allowed, **options) -> Target:
    return Target(name=name, url=url, allowed=frozenset(allowed), **options)


FINANCE = {"finance"}
TARGETS = [
    # payments and the ledger: finance only
    _t("payout methods (list)", _admin_list("payments.payoutmethod"), FINANCE),
    _t("payout method", _admin_record("payments.payoutmethod", "payout_method"), FINANCE),
    _t("withdrawals (list)", _admin_list("payments.withdrawal"), FINANCE),
    _t("withdrawal", _admin_record("payments.withdrawal", "withdrawal"), FINANCE),
    _t("ledger accounts (list)", _admin_list("ledger.account"), FINANCE),
    _t("ledger account", _admin_record("ledger.account", "wallet"), FINANCE),
    _t("ledger journal", _admin_record("ledger.journal", "journal"), FINANCE),
    # message content: moderators, through the safety queue only
    _t("safety flags (list)", _admin_list("messaging.safetyflag"), {"moderator"}),
    _t(
        "safety flag with the message",
        _admin_record("messaging.safetyflag", "flag"),
        {"moderator"},
        shows=lambda w: FLAGGED_TEXT,
    ),
    # identity documents: moderators, after giving a reason
    _t(
        "identity document (reason given)",
        lambda w: _en("verification:staff_document_access", w.submission.pk),
        {"moderator"},
        method="post",
        ok_status=302,
    ),
    _t(
        "identity submission (masked, back office)",
        lambda w: _en("admin:verification_identitysubmission_change", w.submission.pk),
        {"moderator"},
        logged=0,
    ),
    # deliveries: nobody browses them; mediators reach them through their case file
    _t("deliveries (list)", _admin_list("contracts.delivery"), set()),
    _t("delivery", _admin_record("contracts.delivery", "delivery"), set()),
    # dispute case file: the assigned mediator only (support sees the status alone)
    _t(
        "dispute page with the case file",
        lambda w: _en("disputes:detail", w.dispute.pk),
        {"mediator (assigned)"},
        shows=lambda w: w.dispute.details,
        logged=2,  # one entry for each party
    ),
    _t(
        "dispute (API)",
        lambda w: f"/api/v1/disputes/{w.dispute.pk}",
        {"mediator (assigned)"},
        shows=lambda w: w.dispute.details,
        logged=2,  # one entry for each party
    ),
    _t(
        "dispute evidence file",
        lambda w: _en("disputes:evidence_file", w.evidence.pk),
        {"mediator (assigned)"},
        logged=2,  # one entry for each party
    ),
    _t(
        "dispute status (back office)",
        lambda w: _en("admin:disputes_dispute_change", w.dispute.pk),
        {"support"},
        logged=0,
    ),
    # notification history (no text): support
    _t("notifications (list)", _admin_list("notifications.notification"), {"support"}),
    _t("notification", _admin_record("notifications.notification", "notification"), {"support"}),
    # profiles: everyone who sees accounts, never the encrypted contact details
    _t(
        "freelancer profile",
        lambda w: _en("admin:profiles_freelancerprofile_change", w.profile.pk),
        ACCOUNT_VIEWERS,
        logged=0,
    ),
    # privacy choices and export requests: those who see accounts (never the archives)
    _t("privacy settings", _admin_list("privacy.privacysettings"), ACCOUNT_VIEWERS, logged=0),
    _t("data exports", _admin_list("privacy.dataexport"), ACCOUNT_VIEWERS, logged=0),
    # the audit trail: admins
    _t("audit trail (list)", _admin_list("audit.auditentry"), {"admin"}),
    _t("audit entry", _admin_record("audit.auditentry", "entry"), {"admin"}),
]


def _access_entries(actor=None) -> int:
    """Access entries written by ``actor`` (by anyone when None)."""
    entries = AuditEntry.objects.filter(kind=Kind.ACCESS)
    return (entries.filter(actor=actor) if actor else entries).count()


def _open(target: Target, world: World, person):
    client = browser(person)
    url = target.url(world)
    if target.method == "post":
        return client.post(url, {"reason": REASON})
    return client.get(url)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""  # a file: its bytes are not text to search
    return response.content.decode(errors="replace")


def _problems(target: Target, world: World, role: str) -> list[str]:
    """What is wrong with ``role`` opening ``target`` (empty when all is as the table says)."""
    person = world.people[role]
    before = _access_entries()
    response = _open(target, world, person)
    logged = _access_entries() - before
    body = _body(response)
    problems = [f"shows {secret!r}" for secret in NEVER_SHOWN if secret in body]
    if role in target.allowed:
        if response.status_code != target.ok_status:
            problems.append(f"allowed but got {response.status_code}")
        if logged != target.logged:
            problems.append(f"{logged} audit entries, expected {target.logged}")
        if target.shows and target.shows(world) not in body:
            problems.append("allowed but the private text is missing")
    else:
        if response.status_code not in (302, 401, 403, 404) or (
            target.ok_status == 302 and "?access=" in response.get("Location", "")
        ):
            problems.append(f"denied but got {response.status_code}")
        if logged:
            problems.append("denied but an audit entry was written")
        if target.shows and target.shows(world) in body:
            problems.append("denied but the private text is shown")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    """Every sensitive screen and API answer against one role: allowed or denied exactly as
    the table says, logged when allowed, and never a contact, account or ID number."""
    found = {
        target.name: problems for target in TARGETS if (problems := _problems(target, world, role))
    }
    assert found == {}


def test_every_logged_entry_says_who_what_when_and_why(world):
    # when finance opens a withdrawal with a reason
    finance = world.people["finance"]
    browser(finance).get(_admin_record("payments.withdrawal", "withdrawal")(world))
    # then the entry names the reader, the record, whose data it is and the reason given
    entry = AuditEntry.objects.filter(actor=finance).get()
    assert entry.kind == Kind.ACCESS
    assert entry.action == "admin.payments.withdrawal.view"
    assert entry.subject_type == "payments.withdrawal"
    assert entry.subject_id == str(world.withdrawal.pk)
    assert entry.subject_user == world.withdrawal.user
    assert entry.reason == REASON
    assert entry.created_at is not None


def test_a_record_is_shown_only_after_a_reason(world):
    # given a moderator opening a flagged message without saying why
    moderator = world.people["moderator"]
    path = _en("admin:messaging_safetyflag_change", world.flag.pk)
    first = browser(moderator).get(path)
    # then they are asked why, see nothing of the message, and nothing is logged
    assert first.status_code == 200
    assert 'name="access_reason"' in first.content.decode()
    assert FLAGGED_TEXT not in first.content.decode()
    assert _access_entries(moderator) == 0
    # and a reason too short is asked again
    short = browser(moderator).get(path, {"access_reason": "hm"})
    assert FLAGGED_TEXT not in short.content.decode() and _access_entries(moderator) == 0


def test_the_mediator_reading_the_case_file_is_filed_for_each_party(world):
    # when the assigned mediator opens the dispute
    mediator_user = world.people["mediator (assigned)"]
    browser(mediator_user).get(_en("disputes:detail", world.dispute.pk))
    # then each party has an entry of their own (their data export lists it), naming both
    entries = AuditEntry.objects.filter(actor=mediator_user).order_by("pk")
    contract = world.dispute.contract
    parties = [contract.client_id, contract.freelancer_id]
    assert [entry.subject_user_id for entry in entries] == parties
    assert {entry.action for entry in entries} == {"disputes.case_file.page"}
    assert all(entry.data["parties"] == parties for entry in entries)
    call_command("audit_verify")


def test_the_parties_reading_their_own_dispute_are_not_logged(world):
    contract = world.dispute.contract
    before = AuditEntry.objects.count()
    for party in (contract.client, contract.freelancer):
        assert browser(party).get(_en("disputes:detail", world.dispute.pk)).status_code == 200
    assert AuditEntry.objects.count() == before


def test_the_identity_document_opening_is_in_the_audit_trail(world):
    moderator = world.people["moderator"]
    browser(moderator).post(
        _en("verification:staff_document_access", world.submission.pk), {"reason": REASON}
    )
    entry = AuditEntry.objects.filter(actor=moderator).get()
    assert entry.action == verification_services.DOCUMENT_VIEWED_EVENT
    assert entry.subject_user == world.submission.user and entry.reason == REASON
