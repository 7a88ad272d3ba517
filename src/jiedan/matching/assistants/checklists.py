"""What the brief builder proposes when it knows only the kind of work: deliverables per
category (some skills have sharper lists of their own), how a budget is usually split into
milestones, and how long such work usually takes.

Data, in both languages (Chinese, English), like the taxonomy's names; a client edits every
line before posting. Category slugs are the taxonomy's; a category not listed here (one an
admin added) gets the generic lists.
"""

from dataclasses import dataclass

Pair = tuple[str, str]  # (Chinese, English)

GENERIC_DELIVERABLES: tuple[Pair, ...] = (
    ("明确的工作范围和验收标准", "A clear scope of work and how it will be accepted"),
    ("约定格式的最终成果", "The final result in the agreed format"),
    ("过程中的进度汇报", "Progress updates along the way"),
    ("交付后的答疑或小修改", "Questions answered and small fixes after delivery"),
)

CATEGORY_DELIVERABLES: dict[str, tuple[Pair, ...]] = {
    "design": (
        ("初稿方案（2–3个方向）", "First concepts (2–3 directions)"),
        ("按约定次数修改", "Revisions up to the agreed number"),
        ("源文件（AI/PSD/Figma）", "Source files (AI/PSD/Figma)"),
        ("常用格式导出（PNG/SVG/PDF）", "Exports in common formats (PNG/SVG/PDF)"),
        ("成品版权转让说明", "A statement transferring the rights to the final work"),
    ),
    "development": (
        ("需求清单与页面/功能列表", "Requirements and a list of pages or features"),
        ("界面设计或原型确认", "Approved design or prototype"),
        ("可运行的程序，部署到约定环境", "Working software deployed where agreed"),
        ("完整源代码（代码仓库）", "Full source code (in a repository)"),
        ("测试与问题修复", "Testing and bug fixes"),
        ("部署与使用说明文档", "Deployment and usage documentation"),
        ("上线后的维护期（如30天）", "A support period after launch (e.g. 30 days)"),
    ),
    "writing": (
        ("大纲或提纲确认", "Approved outline"),
        ("约定字数的正文", "The text at the agreed length"),
        ("按约定次数修改", "Revisions up to the agreed number"),
        ("原创性说明（无抄袭）", "A statement that the text is original"),
        ("可编辑的文档格式（Word/Google Docs）", "An editable document (Word/Google Docs)"),
    ),
    "translation": (
        ("完整译文，格式与原文一致", "The full translation, laid out like the original"),
        ("术语表（专有名词统一）", "A glossary keeping terms consistent"),
        ("校对与审校", "Proofreading and review"),
        ("可编辑的文件格式", "Editable files"),
    ),
    "marketing": (
        ("推广方案与目标（KPI）", "A campaign plan with goals (KPIs)"),
        ("内容日历与素材", "A content calendar and the content itself"),
        ("账号或广告的执行", "Running the accounts or ads"),
        ("数据报告（每周或每月）", "Reports with figures (weekly or monthly)"),
    ),
    "video-audio": (
        ("脚本或分镜确认", "Approved script or storyboard"),
        ("初剪版本", "First cut"),
        ("按约定次数修改", "Revisions up to the agreed number"),
        ("成片（约定分辨率和格式）", "Final file in the agreed resolution and format"),
        ("字幕、配乐和素材版权说明", "Subtitles, music and the licences of the material"),
    ),
    "data": (
        ("数据来源与处理方法说明", "Where the data comes from and how it is processed"),
        ("清洗后的数据文件", "The cleaned data files"),
        ("分析结果与图表", "Results with charts"),
        ("可复用的脚本或公式", "Reusable scripts or formulas"),
        ("结论报告", "A short report of the findings"),
    ),
    "consulting": (
        ("问题与目标确认", "Agreed questions and goals"),
        ("书面方案或报告", "A written plan or report"),
        ("所需文件或材料清单", "A list of the documents needed"),
        ("答疑沟通（约定次数或时长）", "Follow-up questions (agreed number or time)"),
    ),
    "education": (
        ("学习目标和课程计划", "Learning goals and a lesson plan"),
        ("约定课时的授课", "The agreed number of lessons"),
        ("课后练习与反馈", "Homework and feedback"),
        ("阶段性测评", "A progress check"),
    ),
    "home-services": (
        ("服务内容和范围清单", "A list of what the service covers"),
        ("上门时间与时长", "Visit date, time and duration"),
        ("所需工具和材料说明", "Who brings the tools and materials"),
        ("完成后现场验收", "On-site check when finished"),
    ),
    "repair": (
        ("上门检查与报价确认", "On-site inspection and an agreed quote"),
        ("维修或安装施工", "The repair or installation work"),
        ("更换配件清单与费用", "Parts replaced and their cost"),
        ("完成后测试与验收", "Testing and acceptance when finished"),
        ("保修期说明", "The warranty period"),
    ),
    "photography": (
        ("拍摄时间、地点和时长", "Shoot date, place and duration"),
        ("拍摄清单（场景/镜头）", "A shot list"),
        ("精修照片（约定张数）", "Retouched photos (agreed number)"),
        ("全部原片", "All original files"),
        ("交付时间和方式", "When and how the files are delivered"),
    ),
    "fitness-beauty": (
        ("目标与方案确认", "Agreed goals and plan"),
        ("服务时间、地点和次数", "Sessions: time, place and number"),
        ("所用产品或器材说明", "Products or equipment used"),
        ("注意事项与后续建议", "Aftercare and follow-up advice"),
    ),
    "events": (
        ("活动方案与流程表", "Event plan and run sheet"),
        ("预算明细", "A detailed budget"),
        ("供应商与人员安排", "Suppliers and staff booked"),
        ("现场执行", "On-the-day delivery"),
        ("活动照片或总结", "Photos or a short wrap-up"),
    ),
}

SKILL_DELIVERABLES: dict[str, tuple[Pair, ...]] = {
    "website-development": (
        (
            "网站页面清单（如首页、产品、关于我们、联系我们）",
            "A list of pages (e.g. home, products, about, contact)",
        ),
        ("页面设计稿确认（电脑和手机）", "Approved page designs (desktop and mobile)"),
        ("响应式网站，适配手机", "A responsive site that works on phones"),
        ("后台管理，可自行更新内容", "An admin area to update the content yourself"),
        ("域名、服务器部署和备案协助", "Domain, hosting set-up and ICP filing help"),
        ("完整源代码和账号交接", "Full source code and hand-over of every account"),
        ("上线后的维护期（如30天）", "A support period after launch (e.g. 30 days)"),
    ),
    "wechat-mini-program": (
        ("功能清单与页面原型", "A feature list and page prototypes"),
        ("界面设计稿确认", "Approved screen designs"),
        ("小程序前端与后台", "The mini program and its back end"),
        ("提交审核并发布上线", "Submission for review and release"),
        ("完整源代码和账号交接", "Full source code and hand-over of every account"),
    ),
    "mobile-app-development": (
        ("功能清单与原型", "A feature list and prototypes"),
        ("界面设计稿确认", "Approved screen designs"),
        ("iOS/安卓安装包", "iOS/Android builds"),
        ("后台接口与管理后台", "Back-end API and admin"),
        ("应用商店上架", "Publishing to the app stores"),
        ("完整源代码", "Full source code"),
    ),
    "logo-design": (
        ("2–3个Logo初稿方案", "2–3 first logo concepts"),
        ("按约定次数修改", "Revisions up to the agreed number"),
        ("彩色、黑白和反白版本", "Colour, black and reversed versions"),
        ("矢量源文件（AI/SVG）和PNG", "Vector source files (AI/SVG) and PNG"),
        ("标准色和字体说明", "Brand colours and fonts"),
        ("版权转让说明", "A statement transferring the rights"),
    ),
    "video-editing": (
        ("素材整理与剪辑思路确认", "Footage reviewed and an agreed editing plan"),
        ("初剪版本", "First cut"),
        ("调色、字幕和配乐", "Colour, subtitles and music"),
        ("按约定次数修改", "Revisions up to the agreed number"),
        ("成片（约定分辨率和格式）", "Final file in the agreed resolution and format"),
    ),
}


@dataclass(frozen=True)
class WorkKind:
    """How work of a kind is usually paid and how long it takes."""

    # (title in Chinese, in English, percent of the budget); the percents add up to 100
    milestones: tuple[tuple[str, str, int], ...]
    # days: (quick, typical, long)
    days: tuple[int, int, int]


WORK_KINDS: dict[str, WorkKind] = {
    "creative": WorkKind(
        (
            ("初稿方案", "First concepts", 30),
            ("修改完善", "Revisions", 30),
            ("定稿与源文件", "Final files", 40),
        ),
        (3, 10, 21),
    ),
    "software": WorkKind(
        (
            ("需求与设计确认", "Requirements and design", 20),
            ("开发完成", "Build", 50),
            ("测试、上线与交接", "Testing, launch and hand-over", 30),
        ),
        (14, 30, 60),
    ),
    "content": WorkKind(
        (
            ("初稿或第一部分", "First draft or first part", 50),
            ("定稿与校对", "Final text and proofreading", 50),
        ),
        (2, 7, 14),
    ),
    "campaign": WorkKind(
        (("方案与准备", "Plan and set-up", 30), ("执行与报告", "Running it and reporting", 70)),
        (14, 30, 90),
    ),
    "teaching": WorkKind(
        (
            ("前半部分课时", "First half of the lessons", 50),
            ("后半部分课时", "Second half of the lessons", 50),
        ),
        (7, 30, 90),
    ),
    "onsite": WorkKind((("上门完成服务", "Work done on site", 100),), (1, 1, 3)),
    "shoot": WorkKind(
        (("拍摄完成", "Shoot done", 50), ("交付精修成片", "Edited files delivered", 50)),
        (1, 7, 14),
    ),
    "event": WorkKind(
        (("方案与预订", "Plan and bookings", 30), ("活动执行", "The event", 70)),
        (7, 21, 45),
    ),
    "generic": WorkKind(
        (("第一阶段", "First part", 50), ("完成交付", "Delivery of the rest", 50)),
        (7, 14, 30),
    ),
}

CATEGORY_KINDS: dict[str, str] = {
    "design": "creative",
    "video-audio": "creative",
    "development": "software",
    "data": "software",
    "writing": "content",
    "translation": "content",
    "marketing": "campaign",
    "consulting": "campaign",
    "education": "teaching",
    "home-services": "onsite",
    "repair": "onsite",
    "fitness-beauty": "onsite",
    "photography": "shoot",
    "events": "event",
}


def work_kind(category_slug: str | None) -> WorkKind:
    return WORK_KINDS[CATEGORY_KINDS.get(category_slug or "", "generic")]


def deliverables_for(category_slug: str | None, skill_slugs: list[str]) -> tuple[Pair, ...]:
    """The first skill's own list when it has one, else the category's, else the generic."""
    for slug in skill_slugs[:1]:
        if slug in SKILL_DELIVERABLES:
            return SKILL_DELIVERABLES[slug]
    return CATEGORY_DELIVERABLES.get(category_slug or "", GENERIC_DELIVERABLES)
