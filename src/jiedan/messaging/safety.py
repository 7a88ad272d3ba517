"""Detectors for messages that try to take a deal off the platform, and the review seam.

Before two people have a contract (active, paused or completed) between them, a message is
flagged when it shares contact details (a Chinese mobile number, a WeChat or QQ id, an e-mail
address) or pushes payment outside the platform or up front. A flagged message is still
delivered: the recipient sees a warning on it, and a ``SafetyFlag`` (status ``open``) is
queued for trust & safety. The detectors are pure functions of the text, so they can be
tested with many samples and reused by the trust app.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

PHONE = "phone"
WECHAT = "wechat"
QQ = "qq"
EMAIL = "email"
OFF_PLATFORM_PAYMENT = "off_platform_payment"

REASONS = {
    PHONE: _("shares a phone number"),
    WECHAT: _("shares a WeChat id"),
    QQ: _("shares a QQ number"),
    EMAIL: _("shares an e-mail address"),
    OFF_PLATFORM_PAYMENT: _("asks for payment outside the platform or up front"),
}

_SEP = r"[\s\-.]*"
_PHONE_RE = re.compile(rf"(?<![\d])(?:(?:\+|00)?86{_SEP})?1[3-9](?:{_SEP}\d){{9}}(?![\d])")
_WECHAT_KEY = r"(?:微信|威信|薇信|徽信|v信|(?<![a-z])(?:vx|wx|wechat|weixin|vchat)(?![a-z]))"
_WECHAT_RE = re.compile(
    rf"{_WECHAT_KEY}\s*(?:号|id)?\s*(?P<marker>[:：是]|搜|加)?\s*(?P<id>[a-z][-_a-z0-9]{{5,19}})"
)
_WECHAT_ADD_RE = re.compile(rf"加(?:我|一下|个)?的?{_WECHAT_KEY}")
_QQ_RE = re.compile(r"(?:(?<![a-z])qq|扣扣|企鹅)\s*(?:号|群)?\s*[:：是]?\s*[1-9]\d{4,11}(?!\d)")
_EMAIL_RE = re.compile(
    r"[a-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\]|＠)\s*[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"
)
_PAYMENT_PHRASES = [
    r"先付(?:定金|订金|款|钱|一半)",
    r"先(?:打|转)(?:款|钱|账|定金|订金)",
    r"预付(?:款|定金|订金)?",
    r"押金",
    r"银行转账",
    r"(?:转账|打款|汇款)到(?:我的?)?(?:卡|银行卡|账户|支付宝|微信)",
    r"私下(?:交易|付款|支付|转账|合作|结算)",
    r"线下(?:交易|付款|支付|转账|结算)",
    r"(?:绕过|绕开|不走|不通过|脱离)平台",
    r"平台外(?:交易|付款|支付)",
    r"直接(?:转账|打款|付款)给我",
    r"\bpay\b[\w\s]{0,20}\bdeposit\b[\w\s]{0,10}\b(?:first|upfront|up front|before)\b",
    r"\b(?:upfront|up-front|advance) (?:payment|deposit|fee)\b",
    r"\bpay(?:ment)? (?:me )?(?:upfront|up front|in advance)\b",
    r"\b(?:bank|wire) transfer\b",
    r"\bpay(?:ment)? (?:me )?(?:directly )?(?:outside|off) (?:of )?(?:the )?(?:site|jiedan)\b",
    r"\b(?:outside|off) (?:of )?(?:the )?platform\b",
    r"\boff-platform\b",
    r"\bwestern union\b",
]
_PAYMENT_RE = re.compile("|".join(_PAYMENT_PHRASES))


def normalise(text: str) -> str:
    """Full-width letters, digits and punctuation folded to their plain forms, lower case."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def has_phone(text: str) -> bool:
    """A Chinese mobile number (1[3-9] + 9 digits), with or without +86/0086, spaced,
    dashed or dotted."""
    return bool(_PHONE_RE.search(normalise(text)))


def has_wechat(text: str) -> bool:
    """A WeChat id after 微信/vx/wx/WeChat (after a colon, 号 or 是, or an id with a digit or
    underscore), or an invitation to add someone on WeChat."""
    text = normalise(text)
    if _WECHAT_ADD_RE.search(text):
        return True
    for found in _WECHAT_RE.finditer(text):
        if found.group("marker") or re.search(r"[\d_]", found.group("id")):
            return True
    return False


def has_qq(text: str) -> bool:
    """A QQ number (5 to 12 digits) after QQ/扣扣/企鹅."""
    return bool(_QQ_RE.search(normalise(text)))


def has_email(text: str) -> bool:
    """An e-mail address, also written with (at)/[at]."""
    return bool(_EMAIL_RE.search(normalise(text)))


def has_off_platform_payment(text: str) -> bool:
    """A push to pay up front, by bank transfer or outside the platform (Chinese or English)."""
    return bool(_PAYMENT_RE.search(normalise(text)))


DETECTORS = {
    PHONE: has_phone,
    WECHAT: has_wechat,
    QQ: has_qq,
    EMAIL: has_email,
    OFF_PLATFORM_PAYMENT: has_off_platform_payment,
}


def message_risks(text: str) -> list[str]:
    """The reason codes (keys of ``REASONS``) a message's text trips, in a stable order."""
    return [code for code, detect in DETECTORS.items() if detect(text)]


def reason_labels(codes) -> list:
    """Human, translatable labels for reason codes (unknown codes shown as they are)."""
    return [REASONS.get(code, code) for code in codes]
