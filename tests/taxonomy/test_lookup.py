"""Free text → skills: the quality table, what must match nothing, freshness and cost."""

import threading

import pytest

from jiedan.core.errors import InvalidInput, NotFound
from jiedan.taxonomy import lookup
from jiedan.taxonomy.lookup import lookup_query_clean, skills_for_text, taxonomy_index
from jiedan.taxonomy.models import Category, Skill, SkillAlias
from jiedan.taxonomy.services import skill_alias_add
from tests.taxonomy.conftest import skill

pytestmark = pytest.mark.django_db


def slugs_for(text: str, limit: int = 10) -> list[str]:
    return [m.slug for m in skills_for_text(text=text, limit=limit)]


# --- Quality ----------------------------------------------------------------------------------

# What people type → the skill that must come first.
FIRST = [
    ("需要做个企业网站", "website-development"),
    ("logo设计", "logo-design"),
    ("I need a web dev for my shop", "website-development"),
    ("上门维修空调", "appliance-repair"),
    ("找人做个小红书代运营", "xiaohongshu-marketing"),
    ("想找个健身私教上门", "personal-training"),
    ("婚礼跟拍", "wedding-photography"),
    ("做一个微信小程序", "wechat-mini-program"),
    ("想开个淘宝店，需要主图和详情页设计", "ecommerce-design"),
    ("找个会Python的帮忙写爬虫", "web-scraping"),
    ("急！明天婚礼需要跟妆化妆师", "makeup"),
    ("新房装修完需要开荒保洁", "deep-cleaning"),
    ("需要一个外语好的陪同翻译去广交会", "interpreting"),
    ("把产品说明书翻译成英文", "technical-translation"),
    ("给公司拍一条宣传片", "promo-video"),
    ("帮孩子找个数学家教", "math-tutoring"),
    ("考研英语辅导", "exam-prep"),
    ("英文论文润色", "academic-editing"),
    ("Excel表格处理", "excel"),
    ("家里马桶堵了", "plumbing"),
    ("宠物寄养", "pet-care"),
    ("Build me an online store with Shopify", "ecommerce-store"),
    ("Japanese to Chinese translator needed", "translation-zh-ja"),
    ("Professional voice over in English for a product video", "voice-over"),
    ("I need help with Excel formulas and pivot tables", "excel"),
    ("personal trainer for weight loss", "personal-training"),
    ("looking for a wedding photographer", "wedding-photography"),
    ("fix my leaking kitchen tap", "plumbing"),
    ("help me move to a new apartment", "moving"),
    ("need a nanny for my 2 year old", "nanny-childcare"),
    ("WeChat mini program for my restaurant", "wechat-mini-program"),
    ("need someone to write blog posts", "article-writing"),
    ("IELTS speaking practice", "ielts-toefl"),
    ("video editor for youtube", "video-editing"),
    ("plumber needed", "plumbing"),
    ("Ｌｏｇｏ　设计", "logo-design"),
    ("Websites", "website-development"),
]

# Text that names more than one need → skills that must all be among the first three.
AMONG_FIRST_THREE = [
    ("I need a web dev for my shop", {"website-development", "ecommerce-store"}),
    ("帮我翻译合同", {"translation-zh-en", "legal-translation"}),
    ("公司注册和代理记账", {"company-registration", "bookkeeping"}),
    ("宣传片配音，要男声", {"voice-over", "promo-video"}),
    ("抖音短视频剪辑", {"short-video-production", "douyin-marketing"}),
    ("公司官网改版，顺便做一下SEO", {"website-maintenance", "seo"}),
    ("周末家里大扫除，找保洁阿姨", {"deep-cleaning", "house-cleaning"}),
    ("热水器不出热水了", {"appliance-repair"}),
    ("UI design for a mobile app", {"ui-ux-design", "mobile-app-development"}),
    ("Chatbot with ChatGPT for customer service", {"llm-applications"}),
    ("Need a React developer to build a dashboard", {"frontend-development"}),
    (
        "translate legal documents from Chinese to English",
        {"translation-zh-en", "legal-translation"},
    ),
    ("iOS app developer", {"ios-development", "mobile-app-development"}),
    ("代理记账报税", {"bookkeeping", "tax-advice"}),
]


@pytest.mark.parametrize(("text", "expected"), FIRST)
def test_the_best_skill_comes_first(text, expected):
    # when someone types the text, then the skill they mean comes first
    assert slugs_for(text)[:1] == [expected], skills_for_text(text=text, limit=3)


@pytest.mark.parametrize(("text", "expected"), AMONG_FIRST_THREE)
def test_every_need_named_is_among_the_first_three(text, expected):
    first_three = set(slugs_for(text, limit=3))
    assert expected <= first_three, skills_for_text(text=text, limit=5)


@pytest.mark.parametrize(
    "text",
    ["asdfghjkl qwerty", "今天天气很好", "的的的", "!!! ???", "   ", "", "hello, how are you?"],
)
def test_unrelated_text_matches_nothing(text):
    assert skills_for_text(text=text) == []


def test_an_exact_name_or_alias_scores_highest_and_says_what_matched():
    # when the whole text is an alias
    matches = skills_for_text(text="建站")
    # then that skill comes first with a full score, naming the alias
    best = matches[0]
    assert (best.slug, best.score, best.exact, best.term) == (
        "website-development",
        1.0,
        True,
        "建站",
    )
    assert all(m.score < 1.0 for m in matches[1:])
    assert (best.name_zh, best.name_en, best.category_slug) == (
        "网站开发",
        "Website development",
        "development",
    )


def test_scores_are_sorted_and_between_zero_and_one():
    matches = skills_for_text(text="需要做个企业网站，还要logo设计和小程序")
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert {"website-development", "logo-design", "wechat-mini-program"} <= {
        m.slug for m in matches
    }


def test_the_limit_is_respected():
    assert len(skills_for_text(text="翻译", limit=3)) == 3
    assert skills_for_text(text="翻译", limit=0) == []


def test_the_match_name_follows_the_active_language(settings):
    from django.utils import translation

    match = skills_for_text(text="logo设计")[0]
    with translation.override("en"):
        assert match.name == "Logo design"
    with translation.override("zh-hans"):
        assert match.name == "Logo设计"


def test_text_is_segmented_with_the_taxonomy_terms():
    index = taxonomy_index()
    # then multi-character terms stay whole, English is lower-cased and plurals stripped
    assert index.units("找人做个小红书代运营") == ["找", "人", "做", "个", "小红书代运营"]
    assert index.units("Web Developers, e-commerce!") == ["web", "developer", "ecommerce"]
    assert "合同" in index.words("合同翻译公司") or "合同翻译" in index.words("合同翻译公司")
    assert "的" not in index.words("我的网站")


# --- Freshness --------------------------------------------------------------------------------


def test_an_alias_added_through_the_service_is_found_at_once():
    # given a word nobody has taught the lookup yet
    assert skills_for_text(text="云上小铺") == []
    # when it is added as an alias of the online store skill
    skill_alias_add(skill_id=skill("ecommerce-store").pk, text="  云上小铺 ")
    # then the next lookup finds it, exactly
    best = skills_for_text(text="云上小铺")[0]
    assert (best.slug, best.exact) == ("ecommerce-store", True)
    assert skills_for_text(text="帮我开个云上小铺")[0].slug == "ecommerce-store"


def test_an_english_alias_is_found_at_once():
    assert "website-development" not in slugs_for("sitebuilder pro")
    skill_alias_add(skill_id=skill("website-development").pk, text="SiteBuilder Pro")
    assert slugs_for("sitebuilder pro")[:1] == ["website-development"]


def test_a_deactivated_skill_is_no_longer_found():
    # given a skill found by its name
    assert slugs_for("搬家")[:1] == ["moving"]
    # when an admin deactivates it
    moving = skill("moving")
    moving.is_active = False
    moving.save()
    # then the lookup no longer returns it
    assert "moving" not in slugs_for("搬家")


def test_a_renamed_skill_is_found_by_its_new_name():
    pets = skill("pet-care")
    pets.name_zh = "萌宠照护"
    pets.save()
    assert slugs_for("萌宠照护")[:1] == ["pet-care"]


def test_a_removed_alias_stops_matching():
    SkillAlias.objects.filter(skill__slug="moving", text="搬家公司").delete()
    assert [m for m in skills_for_text(text="搬家公司") if m.exact] == []


def test_a_new_skill_is_found():
    Skill.objects.create(
        slug="mahjong-lessons",
        category=Category.objects.get(slug="education"),
        name_zh="麻将教学",
        name_en="Mahjong lessons",
    )
    assert slugs_for("麻将教学")[:1] == ["mahjong-lessons"]
    assert slugs_for("mahjong lessons")[:1] == ["mahjong-lessons"]


# --- Cost -------------------------------------------------------------------------------------


def test_a_lookup_costs_one_query_once_the_index_is_built(django_assert_num_queries):
    taxonomy_index()
    with django_assert_num_queries(1):
        skills_for_text(text="需要做个企业网站")
    with django_assert_num_queries(0):
        skills_for_text(text="   ")


def test_a_rebuild_costs_three_queries(django_assert_num_queries):
    # given a change after the index was built
    taxonomy_index()
    skill_alias_add(skill_id=skill("logo-design").pk, text="标识制作")
    # when the next lookup runs, it reads the fingerprint, the skills and the aliases
    with django_assert_num_queries(3):
        skills_for_text(text="标识制作")


def test_the_index_is_reused_while_nothing_changes():
    assert taxonomy_index() is taxonomy_index()


def test_the_private_tokenizer_is_built_once_under_concurrency():
    # given a fresh segmenter and eight threads wanting it at once
    segmenter = lookup._Segmenter()
    results, barrier = [], threading.Barrier(8)

    def segment():
        barrier.wait()
        results.append((id(segmenter.tokenizer), segmenter.units("企业网站建设")))

    threads = [threading.Thread(target=segment) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then they all used one tokenizer and read the text alike
    assert len({tokenizer for tokenizer, _ in results}) == 1
    assert len({tuple(units) for _, units in results}) == 1


def test_the_lookup_never_touches_jiebas_global_tokenizer():
    import jieba

    taxonomy_index()
    assert lookup._segmenter.tokenizer is not jieba.dt
    assert not jieba.dt.FREQ.get("小红书代运营")


# --- The alias service and the query rule -----------------------------------------------------


def test_an_alias_is_stored_normalised_and_only_once():
    logo = skill("logo-design")
    first = skill_alias_add(skill_id=logo.pk, text="  LOGO   Maker ")
    again = skill_alias_add(skill_id=logo.pk, text="logo maker")
    assert first.text == "logo maker"
    assert first.pk == again.pk
    assert logo.aliases.filter(text="logo maker").count() == 1


@pytest.mark.parametrize(("text", "code"), [("   ", "alias_empty"), ("x" * 81, "alias_too_long")])
def test_a_bad_alias_is_refused_and_nothing_is_stored(text, code):
    before = SkillAlias.objects.count()
    with pytest.raises(InvalidInput) as raised:
        skill_alias_add(skill_id=skill("logo-design").pk, text=text)
    assert raised.value.code == code
    assert SkillAlias.objects.count() == before


def test_an_alias_for_a_missing_skill_is_refused():
    before = SkillAlias.objects.count()
    with pytest.raises(NotFound):
        skill_alias_add(skill_id=0, text="anything")
    assert SkillAlias.objects.count() == before


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "query_empty"),
        ("  ", "query_empty"),
        (None, "query_empty"),
        ("网" * 201, "query_too_long"),
    ],
)
def test_a_typed_lookup_must_hold_one_to_two_hundred_characters(text, code):
    with pytest.raises(InvalidInput) as raised:
        lookup_query_clean(text)
    assert raised.value.code == code
    assert raised.value.status == 422


def test_a_typed_lookup_is_trimmed():
    assert lookup_query_clean("  logo设计 ") == "logo设计"
    assert lookup_query_clean("网" * 200) == "网" * 200
