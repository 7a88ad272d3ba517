"""The safety detectors: pure functions, many samples in Chinese and English."""

import pytest

from jiedan.messaging import safety

PHONES = [
    "我的电话 13812345678",
    "call me at +86 138 1234 5678",
    "+8613812345678",
    "0086-138-1234-5678",
    "手机：139-0000-1111",
    "电话 15912345678，随时联系",
    "my number is 186.1234.5678",
    "１３８１２３４５６７８",
]
NOT_PHONES = [
    "预算是 1380 元",
    "订单号 20240101123456789",
    "12345678901",  # starts with 12: not a mobile prefix
    "交付时间 13 天，修改 2 次",
    "The price is 1,500 CNY for 3 pages",
    "",
]
WECHATS = [
    "微信：zhang_san88",
    "加我微信 abc_123456",
    "vx: design2024",
    "wx号 hello_world1",
    "WeChat: lily_design",
    "我的微信号是 tommy2020",
    "加个微信吧",
    "加我vx聊",
    "薇信 sunny_2023",
]
NOT_WECHATS = [
    "我们可以用微信支付吗？",
    "微信小程序开发",
    "WeChat mini program development",
    "I use wxWidgets for the desktop app",
    "微信 popular in China",
    "the design is wonderful",
]
QQS = ["QQ: 123456789", "qq号 987654321", "扣扣 55667788", "我的QQ是10001", "企鹅 2233445566"]
NOT_QQS = ["QQ音乐的界面", "I like QQ style emoji", "QQ 群聊很方便", "QQ浏览器兼容"]
EMAILS = [
    "write to lily@example.com",
    "邮箱 zhang.san@qq.com",
    "email me: bob+work@mail.example.cn",
    "lily(at)example.com",
    "ＬＩＬＹ＠ＥＸＡＭＰＬＥ．ＣＯＭ",
]
NOT_EMAILS = ["@Lily 请看一下", "price @ 100 per page", "版本 v2.0.1", "user at home"]
PAYMENTS = [
    "先付定金再开始",
    "请先付订金 500 元",
    "需要押金 1000",
    "我们银行转账吧",
    "私下交易更便宜",
    "线下付款可以打折",
    "不走平台，手续费就省了",
    "直接转账给我",
    "转账到我的支付宝",
    "先打款后发货",
    "Please pay a deposit first",
    "you need to pay the deposit before I start",
    "Can we do a bank transfer?",
    "let's pay outside the platform",
    "I prefer payment off the platform",
    "50% upfront payment please",
    "Pay me upfront and I start today",
    "wire transfer is fine",
    "send it via Western Union",
]
NOT_PAYMENTS = [
    "托管付款后我就开始",
    "里程碑付款很安全",
    "The deposit is held in escrow by the platform",
    "I will transfer the files tomorrow",
    "平台上付款就行",
    "我先发设计稿给你看",
    "Please fund the first milestone",
    "payment through Jiedan works for me",
]


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_are_detected(text):
    assert safety.has_phone(text)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_other_numbers_are_not_phones(text):
    assert not safety.has_phone(text)


@pytest.mark.parametrize("text", WECHATS)
def test_wechat_ids_are_detected(text):
    assert safety.has_wechat(text)


@pytest.mark.parametrize("text", NOT_WECHATS)
def test_wechat_mentions_without_id_pass(text):
    assert not safety.has_wechat(text)


@pytest.mark.parametrize("text", QQS)
def test_qq_numbers_are_detected(text):
    assert safety.has_qq(text)


@pytest.mark.parametrize("text", NOT_QQS)
def test_qq_mentions_without_number_pass(text):
    assert not safety.has_qq(text)


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_are_detected(text):
    assert safety.has_email(text)


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_at_signs_that_are_not_addresses_pass(text):
    assert not safety.has_email(text)


@pytest.mark.parametrize("text", PAYMENTS)
def test_off_platform_and_upfront_payment_is_detected(text):
    assert safety.has_off_platform_payment(text)


@pytest.mark.parametrize("text", NOT_PAYMENTS)
def test_on_platform_payment_talk_passes(text):
    assert not safety.has_off_platform_payment(text)


def test_message_risks_lists_every_reason_in_a_stable_order():
    text = "先付定金，微信 zhang_san88，电话 138-1234-5678，邮箱 a@b.cn"
    assert safety.message_risks(text) == [
        safety.PHONE,
        safety.WECHAT,
        safety.EMAIL,
        safety.OFF_PLATFORM_PAYMENT,
    ]


def test_a_plain_message_has_no_risks():
    assert safety.message_risks("设计稿周五给你，有问题随时在这里说。") == []


def test_every_reason_has_a_label():
    assert set(safety.DETECTORS) == set(safety.REASONS)
    assert [str(label) for label in safety.reason_labels(["qq", "unknown"])][1] == "unknown"
