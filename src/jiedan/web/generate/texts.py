"""The words of generated data, in Chinese and English: names, companies, what each category's
clients ask for, and the sentences projects, proposals, chats and reviews are made of.

Pure functions of a ``random.Random`` and plain values, no database. Every text is built from
short sentences drawn from small pools, so it reads like something a person wrote while the
search index still sees the same phrases again and again, as it does on a real site.
Skill and category names come from the taxonomy rows the caller passes in.
"""

from functools import cache
from random import Random

ZH, EN = "zh", "en"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲"
    "芬燕晶欣悦涵宇浩然子轩思琪佳怡一诺晨阳梓睿"
)
FIRST_NAMES = [
    "Emma",
    "Olivia",
    "Liam",
    "Noah",
    "Sophia",
    "James",
    "Lucas",
    "Mia",
    "Ethan",
    "Chloe",
    "Daniel",
    "Grace",
    "Henry",
    "Zoe",
    "Jack",
    "Hannah",
    "Leo",
    "Ruby",
    "Oscar",
    "Isla",
    "Max",
    "Ella",
    "Sam",
    "Anna",
    "Tom",
    "Lily",
    "David",
    "Kate",
    "Ben",
    "Amy",
]
LAST_NAMES = [
    "Smith",
    "Clarke",
    "Brown",
    "Wilson",
    "Taylor",
    "Evans",
    "Walker",
    "Wright",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Young",
    "King",
    "Turner",
    "Hill",
    "Moore",
    "Baker",
    "Cooper",
    "Ward",
    "Reed",
    "Gray",
    "Price",
    "Bell",
    "Chen",
    "Wong",
    "Lee",
    "Tan",
    "Lim",
]

COMPANY_WORDS_ZH = [
    "小鹿",
    "云帆",
    "青禾",
    "星河",
    "木棉",
    "山海",
    "知行",
    "拾光",
    "乐活",
    "橙果",
    "蓝鲸",
    "百味",
    "匠心",
    "远航",
    "初心",
]
COMPANY_KINDS_ZH = [
    "文创",
    "科技",
    "茶业",
    "餐饮",
    "教育",
    "电商",
    "设计工作室",
    "贸易有限公司",
    "健身工作室",
    "家居",
]
COMPANY_WORDS_EN = [
    "Acme",
    "Blue",
    "Harbor",
    "North",
    "Bright",
    "Oak",
    "Maple",
    "Silver",
    "Red",
    "Kite",
    "Summit",
    "Pine",
    "River",
]
COMPANY_KINDS_EN = ["Trading Ltd", "Studio", "Labs", "Foods", "Education", "Retail", "Media"]

BUSINESSES = {
    ZH: [
        "我们是一家做原创茶具的小团队",
        "我们是一家跨境电商公司",
        "我们在本地经营三家餐厅",
        "我们是一家少儿英语培训机构",
        "我们是一家刚起步的科技公司",
        "我们是一家做母婴用品的品牌",
        "我们是一家外贸工厂",
        "我们经营一家社区健身房",
        "我是一名独立设计师",
        "我们是一家律师事务所",
    ],
    EN: [
        "We are a small team making handmade tea ware.",
        "We run a cross-border online shop.",
        "We own three restaurants in town.",
        "We are a children's English school.",
        "We are an early-stage software start-up.",
        "We sell baby products online.",
        "We are a kitchenware importer.",
        "I run a neighbourhood gym.",
        "I am an independent designer.",
        "We are a small law firm.",
    ],
}

# What clients of each category ask for: (Chinese, English) pairs, chosen by index.
OBJECTS: dict[str, list[tuple[str, str]]] = {
    "design": [
        ("品牌Logo", "a brand logo"),
        ("产品包装", "product packaging"),
        ("公司宣传册", "a company brochure"),
        ("电商详情页", "product page visuals"),
        ("App界面", "app screens"),
        ("展会海报", "a trade-show poster"),
    ],
    "development": [
        ("企业官网", "a company website"),
        ("微信小程序", "a WeChat mini program"),
        ("电商后台", "an online shop back office"),
        ("预约系统", "a booking system"),
        ("安卓App", "an Android app"),
        ("数据看板", "a data dashboard"),
    ],
    "writing": [
        ("公众号文章", "blog articles"),
        ("产品文案", "product copy"),
        ("品牌故事", "a brand story"),
        ("行业白皮书", "an industry white paper"),
        ("新闻稿", "a press release"),
    ],
    "translation": [
        ("合同翻译", "a contract translation"),
        ("产品说明书", "a product manual"),
        ("网站内容", "website content"),
        ("商务邮件", "business e-mails"),
        ("学术论文", "an academic paper"),
    ],
    "marketing": [
        ("小红书推广", "a Xiaohongshu campaign"),
        ("抖音账号运营", "a Douyin account"),
        ("搜索引擎优化", "search engine optimisation"),
        ("新品上市活动", "a product launch campaign"),
        ("社群运营", "community management"),
    ],
    "video-audio": [
        ("产品宣传片", "a product promo video"),
        ("短视频剪辑", "short video editing"),
        ("年会视频", "an annual party video"),
        ("播客后期", "podcast editing"),
        ("广告配音", "an advert voice-over"),
    ],
    "data": [
        ("销售数据整理", "sales data clean-up"),
        ("问卷数据分析", "survey data analysis"),
        ("公开数据采集", "public data collection"),
        ("Excel报表自动化", "Excel report automation"),
        ("商品信息录入", "product data entry"),
    ],
    "consulting": [
        ("公司注册", "company registration"),
        ("商业计划书", "a business plan"),
        ("代理记账", "monthly bookkeeping"),
        ("跨境电商开店", "opening a cross-border store"),
        ("项目管理", "project management"),
    ],
    "education": [
        ("雅思口语辅导", "IELTS speaking coaching"),
        ("小学数学家教", "primary maths tutoring"),
        ("Python入门课", "an intro Python course"),
        ("钢琴陪练", "piano practice sessions"),
        ("考研英语", "postgraduate exam English"),
    ],
    "home-services": [
        ("新房开荒保洁", "deep cleaning of a new flat"),
        ("每周家庭保洁", "weekly home cleaning"),
        ("搬家打包", "packing for a move"),
        ("上门做饭", "home cooking"),
        ("老人陪护", "elderly companionship"),
    ],
    "repair": [
        ("空调清洗维修", "air-conditioner repair"),
        ("家具安装", "furniture assembly"),
        ("水电维修", "plumbing and wiring repairs"),
        ("旧房翻新", "renovating an old flat"),
        ("智能门锁安装", "smart lock installation"),
    ],
    "photography": [
        ("产品拍摄", "product photos"),
        ("婚礼跟拍", "wedding photography"),
        ("企业活动摄影", "corporate event photos"),
        ("形象照", "professional headshots"),
        ("餐厅菜品拍摄", "restaurant dish photos"),
    ],
    "fitness-beauty": [
        ("健身私教课", "personal training sessions"),
        ("新娘跟妆", "bridal make-up"),
        ("上门瑜伽课", "yoga classes at home"),
        ("减脂训练计划", "a fat-loss programme"),
        ("上门美甲", "manicure at home"),
    ],
    "events": [
        ("公司年会策划", "planning an annual party"),
        ("婚礼策划", "wedding planning"),
        ("生日派对布置", "birthday party decoration"),
        ("产品发布会", "a product launch event"),
        ("团建活动", "a team-building day"),
    ],
}

# CNY: (fixed budget low, high), (hourly rate low, high); USD is about a seventh.
BUDGETS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "design": ((500, 8000), (100, 400)),
    "development": ((3000, 80000), (150, 600)),
    "writing": ((300, 5000), (80, 300)),
    "translation": ((200, 10000), (100, 400)),
    "marketing": ((2000, 30000), (100, 400)),
    "video-audio": ((1000, 20000), (100, 400)),
    "data": ((300, 8000), (60, 250)),
    "consulting": ((1000, 20000), (200, 800)),
    "education": ((200, 5000), (100, 500)),
    "home-services": ((150, 3000), (40, 120)),
    "repair": ((200, 20000), (60, 200)),
    "photography": ((500, 8000), (150, 500)),
    "fitness-beauty": ((200, 5000), (150, 500)),
    "events": ((2000, 50000), (100, 400)),
}
DEFAULT_BUDGET = ((500, 10000), (100, 400))
USD_PER_CNY = 7

TITLES = {
    ZH: [
        "需要{skill}：{object}",
        "{object}，找有经验的{skill}",
        "招{skill}，做{object}",
        "{object}（{skill}）",
        "{object}，预算可谈",
        "{city}{object}，求靠谱师傅",
    ],
    EN: [
        "{skill} for {object}",
        "Need an experienced {skill_lower} freelancer for {object}",
        "Looking for help with {object}",
        "{object_cap}: {skill_lower}",
        "{object_cap} in {city}",
    ],
}

# When none of the category's usual requests fits the skill, the skill itself is the request.
SKILL_TITLES = {
    ZH: [
        "{skill}，找有经验的老师",
        "需要{skill}服务",
        "{skill}项目，预算可谈",
        "{city}{skill}，求靠谱师傅",
    ],
    EN: ["{skill} needed", "Looking for {skill_lower} help", "{skill} for a small business"],
}
SKILL_NEEDS = {
    ZH: [
        "现在需要{skill}方面的帮助，希望找一位有经验的老师。",
        "想找人做{skill}，最好做过同类项目。",
    ],
    EN: ["We need help with {skill_lower}.", "We want someone experienced in {skill_lower}."],
}
NEEDS = {
    ZH: [
        "现在需要做{object}，希望找一位懂{skill}的老师。",
        "想做{object}，要求有{skill}相关经验。",
        "这次的需求是{object}，最好做过同类项目。",
    ],
    EN: [
        "We need {object} and are looking for someone who knows {skill_lower}.",
        "This job is {object}; experience with {skill_lower} is a must.",
        "We want {object}, ideally from someone who has done similar work.",
    ],
}
DETAILS = {
    ZH: [
        "需要交付源文件和使用说明。",
        "包括前期沟通、初稿和两轮修改。",
        "希望每周同步一次进度。",
        "请在报价中写明工期和交付内容。",
        "有现成的资料可以参考，沟通后提供。",
        "质量第一，价格可以商量。",
        "需要开发票。",
        "最好能在工作日白天沟通。",
    ],
    EN: [
        "Please include the source files and a short guide.",
        "The work includes a first draft and two rounds of changes.",
        "We would like a progress update every week.",
        "Tell us in your proposal how long it takes and what you deliver.",
        "We have reference material to share once we talk.",
        "Quality matters more to us than the lowest price.",
        "We need an invoice.",
        "We are easiest to reach on weekdays.",
    ],
}
LOCAL_DETAILS = {
    ZH: ["地点在{city}，需要上门服务。", "在{city}市区，周末也可以。"],
    EN: [
        "The place is in {city}; the work is on site.",
        "We are in central {city}; weekends are fine.",
    ],
}

QUESTIONS = {
    ZH: ["做过类似的项目吗？请给一个例子。", "大概多久可以完成？", "报价包含哪些内容？"],
    EN: [
        "Have you done similar work? Please share an example.",
        "How soon could you finish?",
        "What does your price include?",
    ],
}
ANSWERS = {
    ZH: ["做过，作品集里有几个同类案例。", "两到三周可以完成。", "包含全部源文件和两轮修改。"],
    EN: [
        "Yes, my portfolio shows a few similar jobs.",
        "Two to three weeks.",
        "All source files and two rounds of changes.",
    ],
}

HEADLINES = {
    ZH: ["{skill}｜{years}年经验", "专注{skill}与{skill2}", "{skill}、{skill2}，认真负责"],
    EN: [
        "{skill} with {years} years' experience",
        "{skill} and {skill2_lower}",
        "Freelance {skill_lower} specialist",
    ],
}
BIOS = {
    ZH: [
        "从业{years}年，服务过几十家客户。",
        "擅长{skill}，也做{skill2}。",
        "沟通及时，按里程碑交付。",
        "先确认需求再动手，每个阶段都给您过目。",
        "交付后提供一个月免费售后。",
        "工作日和周末都可以沟通。",
    ],
    EN: [
        "{years} years of freelance work for dozens of clients.",
        "I specialise in {skill_lower} and also do {skill2_lower}.",
        "I answer quickly and deliver milestone by milestone.",
        "I confirm the brief first and show you every stage.",
        "One month of free support after delivery.",
        "Happy to talk on weekdays and weekends.",
    ],
}
LOCAL_BIO = {ZH: "可以在{city}及周边上门服务。", EN: "I work on site in and around {city}."}

COVER_LETTERS = {
    ZH: [
        "您好！我做{skill}已经{years}年了，",
        "您好，看了您的需求，",
        "你好！我是一名{skill}自由职业者，",
    ],
    EN: [
        "Hello! I have done {skill_lower} for {years} years, ",
        "Hi, I read your brief carefully, ",
        "Hello, I am a freelance {skill_lower} specialist, ",
    ],
}
COVER_MIDDLES = {
    ZH: [
        "做过不少类似的项目，作品集里可以看到。",
        "建议分阶段交付，每个阶段都请您确认。",
        "可以先做一个小样给您看效果。",
    ],
    EN: [
        "and my portfolio shows several similar jobs.",
        "and suggest delivering in stages you approve one by one.",
        "and can show you a small sample first.",
    ],
}
COVER_ENDS = {
    ZH: ["预计{days}天完成，期待合作！", "{days}天内交付，有问题随时沟通。"],
    EN: [
        "I can finish in {days} days. Looking forward to it!",
        "Delivery in {days} days; ask me anything.",
    ],
}

MILESTONES = {
    ZH: ["需求确认与初稿", "设计稿", "开发与测试", "修改完善", "上线与交付", "最终交付"],
    EN: [
        "Brief and first draft",
        "Design",
        "Build and test",
        "Revisions",
        "Launch",
        "Final delivery",
    ],
}
DELIVERABLES = {
    ZH: ["源文件", "使用说明", "最终成品", "两轮修改"],
    EN: ["Source files", "A short guide", "The finished work", "Two rounds of changes"],
}
DELIVERY_MESSAGES = {
    ZH: ["这一阶段已完成，请查收。", "已按要求修改，请再看一下。", "文件已上传，有问题随时说。"],
    EN: [
        "This stage is done, please have a look.",
        "I made the changes you asked for.",
        "The files are uploaded; tell me if anything is missing.",
    ],
}
CHANGE_NOTES = {
    ZH: ["颜色再调整一下，其他都很好。", "第二部分需要再完善一些。"],
    EN: ["Please adjust the colours; the rest is great.", "The second part needs a bit more work."],
}
MEMOS = {
    ZH: ["需求沟通", "整理资料", "制作与修改", "测试与调整", "和客户开会"],
    EN: [
        "Call about the brief",
        "Research",
        "Work on the draft",
        "Testing and fixes",
        "Client meeting",
    ],
}
END_REASONS = {
    ZH: ["项目提前完成了。", "需求有变化，先到这里。", "双方协商结束合作。"],
    EN: ["The work finished early.", "Our plans changed, so we stop here.", "We agreed to end it."],
}
DECLINE_NOTES = {
    ZH: ["谢谢，我们选了预算更合适的方案。", "感谢报价，这次先不合作了。"],
    EN: [
        "Thank you, we chose an offer closer to our budget.",
        "Thanks for your proposal; not this time.",
    ],
}

CHAT_CLIENT = {
    ZH: [
        "你好，合同已经确认了，我们开始吧。",
        "资料已经发你了，看一下有没有问题。",
        "进度怎么样了？",
        "这个版本不错，细节再调一下。",
        "好的，辛苦了！",
        "下周一之前能给我看一下吗？",
    ],
    EN: [
        "Hi, the contract is confirmed, let's start.",
        "I sent you the material; let me know if anything is unclear.",
        "How is it going?",
        "This version looks good, just a few details.",
        "Great, thank you!",
        "Could I see something before Monday?",
    ],
}
CHAT_FREELANCER = {
    ZH: [
        "收到，我先整理一下需求。",
        "没问题，今天开始做。",
        "初稿已经做好了，请看一下。",
        "明白，我马上改。",
        "已经上传到里程碑里了。",
        "好的，有问题随时联系我。",
    ],
    EN: [
        "Got it, I will go through the brief first.",
        "No problem, I start today.",
        "The first draft is ready, please take a look.",
        "Understood, I will change it right away.",
        "I uploaded it to the milestone.",
        "Sure, message me any time.",
    ],
}

REVIEWS_OF_FREELANCER = {
    ZH: {
        5: ["非常专业，沟通顺畅，按时交付，强烈推荐！", "质量很高，还会再合作。"],
        4: ["整体不错，细节上改了几次。", "交付及时，效果满意。"],
        3: ["能完成任务，但沟通有点慢。"],
        2: ["比预期晚了不少，质量一般。"],
        1: ["没有达到要求。"],
    },
    EN: {
        5: [
            "Very professional, clear and on time. Highly recommended!",
            "Excellent work, will hire again.",
        ],
        4: ["Good work overall, a few rounds of changes.", "Delivered on time and we are happy."],
        3: ["Got the job done, but replies were slow."],
        2: ["Much later than planned and the quality was average."],
        1: ["The work did not meet the brief."],
    },
}
REVIEWS_OF_CLIENT = {
    ZH: {
        5: ["需求清晰，付款及时，合作愉快。", "很好的客户，反馈很快。"],
        4: ["沟通顺畅，需求中途有些调整。"],
        3: ["需求变动比较多。"],
        2: ["回复很慢。"],
        1: ["沟通困难。"],
    },
    EN: {
        5: ["Clear brief and prompt payment, a pleasure.", "Great client, quick feedback."],
        4: ["Good communication; the brief changed a little along the way."],
        3: ["The requirements changed quite a lot."],
        2: ["Very slow to reply."],
        1: ["Hard to work with."],
    },
}
REPLIES = {ZH: ["谢谢您的评价，期待再次合作！"], EN: ["Thank you, I hope we work together again!"]}


def person_name(rng: Random, lang: str) -> str:
    if lang == ZH:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return rng.choice(SURNAMES) + given
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def company_name(rng: Random, lang: str, city: str) -> str:
    if lang == ZH:
        return f"{city}{rng.choice(COMPANY_WORDS_ZH)}{rng.choice(COMPANY_KINDS_ZH)}"
    return f"{rng.choice(COMPANY_WORDS_EN)} {rng.choice(COMPANY_KINDS_EN)}"


def lower_first(name: str) -> str:
    """ "Logo design" → "logo design" inside a sentence; names such as WeChat, SEO or iOS
    keep their capitals."""
    first = name.split(" ", 1)[0]
    return name[:1].lower() + name[1:] if first[1:].islower() else name


def _slots(skill, skill2=None, object_=None, city="", lang=ZH, **extra) -> dict:
    name = skill[0] if lang == ZH else skill[1]
    second = skill2 or skill
    second_name = second[0] if lang == ZH else second[1]
    thing = object_[0] if object_ and lang == ZH else (object_[1] if object_ else "")
    return {
        "skill": name,
        "skill_lower": name if lang == ZH else lower_first(name),
        "skill2": second_name,
        "skill2_lower": second_name if lang == ZH else lower_first(second_name),
        "object": thing,
        "object_cap": thing[:1].upper() + thing[1:],
        "city": city,
        **extra,
    }


@cache
def fitting_objects(category_slug: str, skill_zh: str) -> list[tuple[str, str]]:
    """The category's usual requests that share two characters with the skill's name."""
    grams = {skill_zh[i : i + 2] for i in range(len(skill_zh) - 1)}
    return [pair for pair in OBJECTS.get(category_slug, []) if any(g in pair[0] for g in grams)]


def project_texts(
    rng: Random, lang: str, *, category_slug: str, skill, city: str, local: bool
) -> tuple[str, str]:
    """A project's title and description; ``skill`` is a (Chinese, English) name pair. The
    request is one of the category's usual ones that shares a word with the skill (婚礼摄影:
    婚礼跟拍), else the skill itself."""
    fitting = fitting_objects(category_slug, skill[0])
    object_ = rng.choice(fitting) if fitting and rng.random() < 0.9 else None
    slots = _slots(skill, object_=object_, city=city, lang=lang)
    titles, needs = (TITLES, NEEDS) if object_ else (SKILL_TITLES, SKILL_NEEDS)
    titles = titles[lang] if local else [t for t in titles[lang] if "{city}" not in t]
    title = rng.choice(titles).format(**slots)
    sentences = [rng.choice(BUSINESSES[lang]), rng.choice(needs[lang]).format(**slots)]
    sentences += rng.sample(DETAILS[lang], rng.randint(1, 3))
    if local:
        sentences.append(rng.choice(LOCAL_DETAILS[lang]).format(**slots))
    separator = "" if lang == ZH else " "
    first = sentences[0] + ("，" if lang == ZH else "")
    return title[:120], separator.join([first, *sentences[1:]])


def profile_texts(
    rng: Random, lang: str, *, skill, skill2, years: int, city: str, local: bool
) -> tuple[str, str]:
    """A freelancer's headline and about text."""
    slots = _slots(skill, skill2, city=city, lang=lang, years=years)
    headline = rng.choice(HEADLINES[lang]).format(**slots)
    sentences = [s.format(**slots) for s in rng.sample(BIOS[lang], rng.randint(2, 4))]
    if local:
        sentences.append(LOCAL_BIO[lang].format(**slots))
    return headline[:120], ("" if lang == ZH else " ").join(sentences)


def cover_letter(rng: Random, lang: str, *, skill, years: int, days: int) -> str:
    slots = _slots(skill, lang=lang, years=years, days=days)
    parts = [rng.choice(COVER_LETTERS[lang]), rng.choice(COVER_MIDDLES[lang])]
    parts.append(("" if lang == ZH else " ") + rng.choice(COVER_ENDS[lang]))
    return "".join(parts).format(**slots)


def pick(rng: Random, pools: dict, lang: str) -> str:
    return rng.choice(pools[lang])


def review_text(rng: Random, lang: str, *, rating: int, of_freelancer: bool) -> str:
    pools = REVIEWS_OF_FREELANCER if of_freelancer else REVIEWS_OF_CLIENT
    return rng.choice(pools[lang][rating])


def budget_ranges(category_slug: str, currency: str) -> tuple[tuple[int, int], tuple[int, int]]:
    fixed, hourly = BUDGETS.get(category_slug, DEFAULT_BUDGET)
    if currency == "USD":
        return tuple(max(1, v // USD_PER_CNY) for v in fixed), tuple(
            max(1, v // USD_PER_CNY) for v in hourly
        )
    return fixed, hourly
