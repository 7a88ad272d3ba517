"""Bilingual demo accounts for ``manage.py seed_demo``. Idempotent: keyed by e-mail address."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role

DEMO_PASSWORD = "jiedan-demo-2026"  # noqa: S105 (public demo credential, shown on purpose)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    mode: str
    language: str
    role: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount(
        "client.wang@demo.jiedan.local", "王芳 · 杭州小鹿文创", User.Mode.CLIENT, "zh-hans"
    ),
    DemoAccount("client.acme@demo.jiedan.local", "Acme Trading Ltd", User.Mode.CLIENT, "en"),
    DemoAccount(
        "freelancer.li@demo.jiedan.local", "李明 · 全栈开发", User.Mode.FREELANCER, "zh-hans"
    ),
    DemoAccount(
        "freelancer.chen@demo.jiedan.local", "陈静 · 品牌设计", User.Mode.FREELANCER, "zh-hans"
    ),
    DemoAccount(
        "freelancer.emma@demo.jiedan.local", "Emma Clarke · Translator", User.Mode.FREELANCER, "en"
    ),
    DemoAccount(
        "support@demo.jiedan.local", "周晓 · Support", User.Mode.CLIENT, "zh-hans", Role.SUPPORT
    ),
    DemoAccount(
        "finance@demo.jiedan.local", "吴敏 · Finance", User.Mode.CLIENT, "zh-hans", Role.FINANCE
    ),
    DemoAccount(
        "moderator@demo.jiedan.local", "Sam Lin · Moderator", User.Mode.CLIENT, "en", Role.MODERATOR
    ),
    DemoAccount(
        "mediator@demo.jiedan.local", "赵律 · Mediator", User.Mode.CLIENT, "zh-hans", Role.MEDIATOR
    ),
    DemoAccount(
        "admin@demo.jiedan.local", "Alex Admin · 管理员", User.Mode.CLIENT, "en", Role.ADMIN
    ),
]


@transaction.atomic
def seed_demo_accounts() -> tuple[list[DemoAccount], int]:
    """Create any missing demo account (verified e-mail, demo password); returns (all, created)."""
    created = 0
    for account in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            email=account.email,
            defaults={
                "display_name": account.display_name,
                "mode": account.mode,
                "language": account.language,
                "is_staff": account.role is not None,
            },
        )
        if was_created:
            created += 1
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if account.role:
                user.groups.add(Group.objects.get(name=account.role))
        EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
    return DEMO_ACCOUNTS, created
