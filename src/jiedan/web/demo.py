"""Bilingual demo content for ``manage.py seed_demo``: accounts, profiles, services, open
projects, a proposal, an invitation and saved searches (which the demo projects then alert).

Idempotent: each piece is created only when missing, so running it again changes nothing and
never overwrites what someone edited while trying the demo.
"""

from decimal import Decimal

from django.db import transaction

from jiedan.accounts.demo import seed_demo_accounts
from jiedan.accounts.models import User
from jiedan.catalog import services as catalog
from jiedan.catalog.models import Service
from jiedan.profiles import services as profiles
from jiedan.profiles.models import ClientProfile, FreelancerProfile
from jiedan.projects import services as projects
from jiedan.projects.models import Project
from jiedan.projects.selectors import project_filters
from jiedan.proposals import services as proposals
from jiedan.savedsearches import services as saved_searches
from jiedan.savedsearches.models import SavedSearch
from jiedan.taxonomy.models import Skill

FREELANCERS = {
    "freelancer.li@demo.jiedan.local": {
        "profile": {
            "headline": "全栈开发：企业官网、微信小程序、后台系统",
            "bio": "8 年开发经验，做过 40 多个企业官网和小程序。先把需求拆成里程碑，每周演示一次，"
            "上线后提供一个月免费维护。Python、Django、Vue 都熟。",
            "hourly_rate": Decimal("260"),
            "languages": ["zh", "en"],
            "city": "杭州",
            "years_experience": 8,
        },
        "skills": ["website-development", "wechat-mini-program", "backend-development"],
        "service": {
            "title": "企业官网开发，响应式，含后台",
            "description": "从原型到上线：响应式官网、可自己编辑内容的后台、基础 SEO 设置。",
            "tiers": [
                ("basic", "3000", 10, 1, ["5 个页面", "响应式布局"]),
                ("standard", "6800", 20, 2, ["10 个页面", "内容后台", "基础 SEO"]),
                ("premium", "12000", 30, 3, ["20 个页面", "内容后台", "多语言", "一个月维护"]),
            ],
        },
    },
    "freelancer.chen@demo.jiedan.local": {
        "profile": {
            "headline": "品牌设计师：Logo、VI、包装",
            "bio": "为茶饮、餐饮和文创品牌做视觉设计。每个项目先做调研和情绪板，再给出三个方向，"
            "定稿后提供全套源文件和使用规范。",
            "hourly_rate": Decimal("180"),
            "languages": ["zh"],
            "city": "上海",
            "years_experience": 6,
        },
        "skills": ["logo-design", "brand-identity", "ui-ux-design"],
        "service": {
            "title": "原创 Logo 设计，三套方案任选",
            "description": "原创 Logo，附源文件和品牌色彩规范，适合新店开业和品牌升级。",
            "tiers": [
                ("basic", "800", 5, 2, ["1 套方案", "PNG + 源文件"]),
                ("standard", "1800", 7, 4, ["3 套方案", "色彩规范"]),
                ("premium", "3800", 10, 8, ["3 套方案", "VI 基础手册", "名片设计"]),
            ],
        },
    },
    "freelancer.emma@demo.jiedan.local": {
        "profile": {
            "headline": "Chinese ⇄ English translator for contracts and websites",
            "bio": "Native English speaker, ten years in Shanghai. I translate contracts, product "
            "pages and apps, and localise marketing copy so it reads as if written in English.",
            "hourly_rate": Decimal("45"),
            "currency": "USD",
            "languages": ["en", "zh"],
            "city": "Shanghai",
            "years_experience": 10,
        },
        "skills": ["translation-zh-en", "localization", "copywriting"],
        "service": {
            "title": "Translate your website or contract from Chinese to English",
            "description": "Accurate, natural English by a native speaker, proofread twice.",
            "currency": "USD",
            "tiers": [
                ("basic", "60", 2, 1, ["Up to 1,000 characters"]),
                ("standard", "150", 3, 2, ["Up to 3,000 characters", "Glossary"]),
                (
                    "premium",
                    "400",
                    5,
                    3,
                    ["Up to 10,000 characters", "Glossary", "Second proofread"],
                ),
            ],
        },
    },
}

CLIENTS = {
    "client.wang@demo.jiedan.local": ("杭州小鹿文创", "做原创茶具和文创礼盒的小团队。", "杭州"),
    "client.acme@demo.jiedan.local": ("Acme Trading Ltd", "Importer of kitchenware.", "Hong Kong"),
}


PROJECTS = {
    "client.wang@demo.jiedan.local": [
        {
            "title": "茶具品牌官网设计与开发（中英双语）",
            "description": "我们是做原创茶具的小团队，需要一个中英双语的品牌官网："
            "首页、产品列表、产品详情、品牌故事和联系我们 5 个页面，手机上也要好看。"
            "需要交付设计稿、源代码和一个可以自己更新产品的后台。",
            "skills": ["website-development", "ui-ux-design"],
            "budget": ("6000", "9000"),
            "questions": ["做过类似的品牌官网吗？请给一个链接。"],
        },
        {
            "title": "新茶礼盒包装上的英文文案翻译",
            "description": "礼盒包装和说明卡上大约 800 字中文，需要翻译成自然、简洁的英文，"
            "适合海外电商页面使用。交付 Word 文档，包含中英对照。",
            "skills": ["translation-zh-en", "copywriting"],
            "budget": ("400", "800"),
            "questions": [],
        },
    ],
    "client.acme@demo.jiedan.local": [
        {
            "title": "Logo refresh for a kitchenware importer",
            "description": "We need a refreshed logo that works in English and Chinese, in colour "
            "and black and white, with source files included and a one-page usage guide.",
            "skills": ["logo-design", "brand-identity"],
            "budget": ("3000", "5000"),
            "questions": ["Which of your logo projects is closest to this?"],
        },
    ],
}
DEMO_PROPOSAL = {
    "freelancer": "freelancer.li@demo.jiedan.local",
    "project": "茶具品牌官网设计与开发（中英双语）",
    "cover_letter": "您好！我做过 40 多个企业官网，其中有 3 个是茶和手工艺品牌。"
    "建议分三步：先出首页和产品页的设计稿给您确认，再开发并接入内容后台，"
    "最后上线并培训您的同事更新产品。",
    "amount": "7800",
    "delivery_days": 21,
    "answers": ["做过，例如一个景德镇陶瓷工作室的官网（作品集里有截图）。"],
    "milestones": [
        ("设计稿（首页 + 产品页）", "2400", 6),
        ("开发与内容后台", "3900", 16),
        ("上线与培训", "1500", 21),
    ],
}
DEMO_INVITATION = ("client.acme@demo.jiedan.local", "freelancer.chen@demo.jiedan.local")
DEMO_SAVED_SEARCHES = {
    "freelancer.li@demo.jiedan.local": ("企业官网", "daily"),
    "freelancer.emma@demo.jiedan.local": ("logo", "instant"),
}


def _profile_details(values: dict) -> profiles.ProfileDetails:
    defaults = {
        "currency": "CNY",
        "service_mode": "remote",
        "service_radius_km": None,
        "availability": "part_time",
        "visibility": "public",
        "allow_promotion": False,
    }
    return profiles.ProfileDetails(**{**defaults, **values})


def _seed_freelancer(user: User, plan: dict) -> None:
    if FreelancerProfile.objects.filter(user=user).exclude(headline="").exists():
        return
    profiles.freelancer_profile_update(user=user, details=_profile_details(plan["profile"]))
    skill_ids = list(Skill.objects.filter(slug__in=plan["skills"]).values_list("pk", flat=True))
    profiles.freelancer_skills_set(user=user, skill_ids=skill_ids)
    if Service.objects.filter(owner=user).exists():
        return
    spec = plan["service"]
    details = catalog.ServiceDetails(
        title=spec["title"],
        description=spec["description"],
        category_id=Skill.objects.get(slug=plan["skills"][0]).category_id,
        skill_ids=skill_ids,
        currency=spec.get("currency", "CNY"),
        tiers=[
            catalog.TierDetails(
                level=level, price=price, delivery_days=days, revisions=revisions, features=features
            )
            for level, price, days, revisions, features in spec["tiers"]
        ],
    )
    service = catalog.service_create(owner=user, details=details)
    catalog.service_publish(owner=user, service_id=service.pk)


@transaction.atomic
def seed_demo() -> tuple[list, int]:
    """Create whatever demo content is missing; returns the demo accounts and how many are new."""
    accounts, created = seed_demo_accounts()
    users = {
        user.email: user for user in User.objects.filter(email__in=[a.email for a in accounts])
    }
    for email, plan in FREELANCERS.items():
        _seed_freelancer(users[email], plan)
    for email, (company, about, city) in CLIENTS.items():
        if not ClientProfile.objects.filter(user=users[email]).exists():
            profiles.client_profile_update(
                user=users[email], company_name=company, about=about, city=city, website=""
            )
    _seed_saved_searches(users)
    _seed_projects(users)
    return accounts, created


def _seed_saved_searches(users: dict) -> None:
    for email, (words, email_alerts) in DEMO_SAVED_SEARCHES.items():
        if not SavedSearch.objects.filter(owner=users[email]).exists():
            saved_searches.saved_search_create(
                owner=users[email], filters=project_filters(query=words), email_alerts=email_alerts
            )


def _seed_projects(users: dict) -> None:
    """Open demo projects for each demo client, one proposal on the first and an invitation;
    skipped entirely once a demo client has any project."""
    clients = [users[email] for email in PROJECTS]
    if Project.objects.filter(client__in=clients).exists():
        return
    published = {}
    for email, plans in PROJECTS.items():
        for plan in plans:
            skills = list(Skill.objects.filter(slug__in=plan["skills"]))
            project = projects.project_create(
                client=users[email],
                details=projects.ProjectDetails(
                    title=plan["title"],
                    description=plan["description"],
                    category_id=skills[0].category_id,
                    skill_ids=[skill.pk for skill in skills],
                    budget_min=plan["budget"][0],
                    budget_max=plan["budget"][1],
                    screening_questions=plan["questions"],
                ),
            )
            published[plan["title"]] = projects.project_publish(
                client=users[email], project_id=project.pk
            )
    spec = DEMO_PROPOSAL
    proposals.proposal_submit(
        freelancer=users[spec["freelancer"]],
        project_id=published[spec["project"]].pk,
        details=proposals.ProposalDetails(
            cover_letter=spec["cover_letter"],
            amount=spec["amount"],
            delivery_days=spec["delivery_days"],
            answers=spec["answers"],
            milestones=[proposals.MilestoneDetails(*step) for step in spec["milestones"]],
        ),
    )
    client_email, freelancer_email = DEMO_INVITATION
    acme_project = Project.objects.filter(client=users[client_email]).first()
    proposals.invitation_send(
        client=users[client_email],
        project_id=acme_project.pk,
        freelancer_id=users[freelancer_email].pk,
        message="We like your brand work. Would you propose on our logo refresh?",
    )
