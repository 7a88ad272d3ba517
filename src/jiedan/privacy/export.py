"""What a data export contains, and how the archive is written.

``PARTS`` lists, per area of the platform, every model that holds data about a person and
how to find that person's rows. Each area becomes one readable JSON file in the ZIP; the files
of rows marked ``files=True`` (the person's avatar, portfolio, message attachments they sent,
deliveries, evidence, identity documents, …) are copied in under ``files/``. Secrets that
would only help an attacker (password hashes, token digests, TOTP seeds, session keys) and
what is private to someone else (the private feedback in a review about the person) are left
out. ``NOT_EXPORTED`` names every other model that points at a person, with the reason, so a
new model cannot be forgotten silently (a test walks all models).
"""

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath

from django.apps import apps
from django.db import models
from django.db.models import Q

# Never exported, whatever the model: credentials and internal fingerprints.
SECRET_FIELDS = frozenset(
    {"password", "digest", "hash", "previous_hash", "session_key", "fingerprint", "secret"}
)


def _parties(prefix: str = "") -> Callable:
    return lambda user: Q(**{f"{prefix}client": user}) | Q(**{f"{prefix}freelancer": user})


def _by(*paths: str) -> Callable:
    def scope(user) -> Q:
        query = Q()
        for path in paths:
            query |= Q(**{path: user})
        return query

    return scope


@dataclass(frozen=True)
class Part:
    model: str
    scope: Callable
    files: bool = False
    omit: tuple[str, ...] = field(default=())


PARTS: dict[str, list[Part]] = {
    "account": [
        Part("accounts.User", lambda user: Q(pk=user.pk)),
        Part("account.EmailAddress", _by("user")),
        Part("accounts.PersonalAccessToken", _by("user"), omit=("prefix",)),
        Part("mfa.Authenticator", _by("user"), omit=("data",)),
        Part("usersessions.UserSession", _by("user"), omit=("data",)),
        Part("socialaccount.SocialAccount", _by("user")),
        Part("privacy.PrivacySettings", _by("user")),
        Part("privacy.DataExport", _by("user"), omit=("archive",)),
        Part("notifications.NotificationPreference", _by("user")),
        Part("audit.AuditEntry", _by("subject_user"), omit=("actor", "data")),
        Part("security.KnownDevice", _by("user")),
        Part("trust.DeviceFingerprint", _by("user")),
        Part("trust.Enforcement", _by("user"), omit=("features", "created_by", "lifted_by")),
        Part("trust.Appeal", _by("enforcement__user"), omit=("decided_by",)),
        Part("trust.ProjectReport", _by("reporter")),
    ],
    "profiles": [
        Part("profiles.FreelancerProfile", _by("user"), files=True),
        Part("profiles.ProfileSkill", _by("profile__user")),
        Part("profiles.Certification", _by("profile__user")),
        Part("profiles.PortfolioItem", _by("profile__user")),
        Part("profiles.PortfolioFile", _by("item__profile__user"), files=True),
        Part("profiles.ClientProfile", _by("user")),
        Part("reputation.FreelancerReputation", _by("user")),
        Part("reputation.ClientReputation", _by("user")),
    ],
    "services": [
        Part("catalog.Service", _by("owner"), files=True),
        Part("catalog.ServiceTier", _by("service__owner")),
        Part("catalog.ServiceExtra", _by("service__owner")),
        Part("catalog.ServiceFaq", _by("service__owner")),
        Part("catalog.ServiceStatusChange", _by("service__owner")),
        Part("catalog.ServiceOrder", _by("buyer", "seller")),
    ],
    "projects": [
        Part("projects.Project", _by("client")),
        Part("projects.ProjectStatusChange", _by("project__client")),
        Part("projects.ProjectAttachment", _by("project__client"), files=True),
        Part("proposals.Proposal", _by("freelancer")),
        Part("proposals.ProposalOption", _by("proposal__freelancer")),
        Part("proposals.ProposalMilestone", _by("proposal__freelancer")),
        Part("proposals.ProposalAttachment", _by("proposal__freelancer"), files=True),
        Part("proposals.ProposalStatusChange", _by("proposal__freelancer")),
        Part("proposals.Invitation", _by("freelancer", "project__client")),
        Part("savedsearches.SavedSearch", _by("owner")),
        Part("matching.RecommendationFeedback", _by("user")),
        Part("matching.ProjectAlert", _by("freelancer")),
    ],
    "contests_and_piecework": [
        Part("contests.Contest", _by("client")),
        Part("contests.ContestPrize", _by("contest__client")),
        Part("contests.Entry", _by("author")),
        Part("contests.EntryFile", _by("entry__author"), files=True),
        Part("piecework.PieceTask", _by("client")),
        Part("piecework.Piece", _by("author"), files=True),
    ],
    "contracts": [
        Part("contracts.Contract", _parties()),
        Part("contracts.ContractTerms", _parties("contract__")),
        Part("contracts.TermsAcceptance", _by("party")),
        Part("contracts.Milestone", _parties("contract__")),
        Part("contracts.Delivery", _parties("milestone__contract__")),
        Part("contracts.DeliveryFile", _by("delivery__author"), files=True),
        Part("contracts.ChangeRequest", _parties("contract__")),
        Part("contracts.Cancellation", _parties("contract__")),
        Part("contracts.ContractStatusChange", _parties("contract__")),
        Part("contracts.TimeEntry", _by("contract__freelancer")),
        Part("contracts.WeeklyStatement", _parties("contract__")),
    ],
    "reviews_and_disputes": [
        Part("reviews.Review", _by("author")),
        Part(
            "reviews.Review",
            lambda user: Q(subject=user, revealed_at__isnull=False),
            omit=("private_feedback",),
        ),
        Part("reviews.ReviewReport", _by("reporter")),
        Part("disputes.Dispute", _parties("contract__"), omit=("mediator",)),
        Part("disputes.DisputeOffer", _parties("dispute__contract__")),
        Part("disputes.DisputeEvidence", _by("added_by"), files=True),
        Part("disputes.DisputeEvent", _parties("dispute__contract__"), omit=("actor",)),
    ],
    "money": [
        Part("ledger.Account", _by("owner")),
        Part("ledger.Entry", _by("account__owner")),
        Part("ledger.PendingFunds", _by("owner")),
        Part("payments.TopUp", _by("user")),
        Part("payments.Refund", _by("user")),
        Part("payments.Withdrawal", _by("user")),
        Part("payments.PayoutMethod", _by("user")),
    ],
    "messages": [
        Part("messaging.Membership", _by("user")),
        Part("messaging.Message", _by("conversation__memberships__user")),
        Part("messaging.MessageAttachment", _by("message__sender"), files=True),
        Part("messaging.Block", _by("blocker")),
        Part("messaging.SafetyFlag", _by("reporter"), omit=("subject_user",)),
        Part("notifications.Notification", _by("recipient"), omit=("actor",)),
    ],
    "verification": [
        Part("verification.IdentitySubmission", _by("user"), files=True, omit=("decided_by",)),
        Part("verification.IdentitySubmissionHistory", _by("submission__user"), omit=("actor",)),
        Part("verification.SkillTestAttempt", _by("user")),
    ],
}

# Models that point at a person but are not part of their export, and why.
NOT_EXPORTED = {
    "admin.LogEntry": "staff actions in the back office, not data about the person",
    "core.IdempotentRequest": "short-lived replay cache of API answers, purged hourly",
    "catalog.ServiceOrderStatusChange": "history of orders, the orders themselves are exported",
    "piecework.PieceTaskStatusChange": "history of tasks, the tasks themselves are exported",
    "contests.ContestStatusChange": "history of contests, the contests themselves are exported",
    "contracts.MilestoneStatusChange": "history of milestones, the milestones are exported",
    "ledger.Journal": "the person's side of each journal is exported as ledger entries",
    "payments.StatusChange": "history of payments, the payments themselves are exported",
    "verification.DocumentAccess": "staff access records, shown as audit entries",
    "verification.SkillTestAttemptHistory": "history of attempts, the attempts are exported",
    "reviews.ReviewReminder": "when a reminder was sent, no content",
    "trust.RiskHit": "fraud-prevention signals; listing them would teach how to evade them",
    "trust.QueueItem": "the moderators' work queue; decisions reach the person as enforcements",
    "trust.QueueEvent": "the moderators' work queue history",
    "privacy.IdentifierScrub": "exists only after the account is deleted, until the job is done",
}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, memoryview | bytes):
        return None
    return value


def _file_path(label: str, pk, field_name: str, name: str) -> str:
    return f"files/{label.replace('.', '/')}/{pk}/{field_name}/{PurePosixPath(name).name}"


def _row(obj, part: Part, label: str, files: list) -> dict:
    row = {}
    for model_field in obj._meta.concrete_fields:
        name = model_field.name
        if name in SECRET_FIELDS or name in part.omit:
            continue
        if isinstance(model_field, models.FileField):
            stored = getattr(obj, name)
            if not stored:
                row[name] = ""
            elif part.files:
                path = _file_path(label, obj.pk, name, stored.name)
                files.append((stored, path))
                row[name] = path
            else:
                row[name] = PurePosixPath(stored.name).name
            continue
        row[model_field.attname] = _plain(model_field.value_from_object(obj))
    return row


def area_rows(user, parts: list[Part]) -> tuple[dict, list]:
    """The person's rows of one area, by model, and the stored files to copy."""
    rows: dict[str, list] = {}
    files: list = []
    for part in parts:
        model = apps.get_model(part.model)
        queryset = model.objects.filter(part.scope(user)).distinct().order_by("pk")
        rows.setdefault(part.model, [])
        for obj in queryset.iterator(chunk_size=500):
            rows[part.model].append(_row(obj, part, part.model, files))
    return rows, files


README = """Jiedan 接单 — your data / 你的数据

English
-------
This archive holds everything the platform keeps about your account, as it was when the
archive was made. Each JSON file covers one area (account, profiles, services, projects,
contests and piece-rate work, contracts, reviews and disputes, money, messages,
verification); inside, rows are grouped by the kind of record, with their fields as stored.
Dates are ISO 8601 in UTC, amounts are decimal strings with their currency. The folder
"files" holds your own files: photo, portfolio, attachments you sent, deliveries, evidence,
identity documents. Password hashes, token digests and two-factor secrets are never
exported. Keep this archive safe: it contains personal data.

中文
----
本压缩包包含平台在生成时保存的与你账户相关的全部数据。每个 JSON 文件对应一个领域（账户、
资料、服务、项目、比稿与计件、合同、评价与纠纷、资金、消息、实名认证）；文件内按记录类型
分组，字段与存储时一致。日期为 UTC 的 ISO 8601 格式，金额为十进制字符串并附币种。
“files”文件夹包含你自己的文件：头像、作品集、你发送的附件、交付物、证据和身份证件。
密码哈希、令牌摘要和两步验证密钥不会导出。请妥善保管：其中包含个人信息。
"""


def archive_write(user, target) -> None:
    """Write the person's ZIP archive into the binary file object ``target``."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        for area, parts in PARTS.items():
            rows, files = area_rows(user, parts)
            text = json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True)
            archive.writestr(f"{area}.json", text)
            for stored, path in files:
                _copy_file(archive, stored, path)


def _copy_file(archive: zipfile.ZipFile, stored, path: str) -> None:
    try:
        with stored.storage.open(stored.name, "rb") as handle, archive.open(path, "w") as out:
            while chunk := handle.read(1024 * 1024):
                out.write(chunk)
    except FileNotFoundError:
        archive.writestr(path + ".missing.txt", "The stored file could not be found.")
