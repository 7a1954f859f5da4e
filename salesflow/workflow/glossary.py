"""The stored codes of GLOSSARY.md with their English and Chinese labels (pure rules).

Codes are what the database, JSON, config and imports carry. People may type a code or
either label ("referral", "Referral", "转介绍"); :func:`parse_code` turns any of them into
the code, or refuses naming the field.
"""

from __future__ import annotations

from salesflow.i18n import _, current_language
from salesflow.workflow.errors import InputError

SOURCES: dict[str, tuple[str, str]] = {
    "website": ("Website / online inquiry", "官网/在线咨询"),
    "phone": ("Phone inquiry", "来电咨询"),
    "trade-show": ("Trade show", "展会"),
    "list": ("Purchased or shared list", "客户名录"),
    "referral": ("Referral", "转介绍"),
    "cold-visit": ("Cold visit", "陌生拜访"),
    "event": ("Industry event", "行业活动"),
    "other": ("Other", "其他"),
}

STAGES: dict[str, tuple[str, str]] = {
    "new": ("New", "新线索"),
    "contacted": ("Contacted", "初步接触"),
    "qualified": ("Qualified (needs confirmed)", "需求确认"),
    "proposal": ("Proposal", "方案制定"),
    "negotiation": ("Quote and negotiation", "报价谈判"),
    "contract": ("Contract", "合同签署"),
    "won": ("Won", "成交"),
    "lost": ("Lost", "丢单"),
}

LOST_REASONS: dict[str, tuple[str, str]] = {
    "price": ("Price", "价格原因"),
    "competitor": ("Lost to a competitor", "竞争对手"),
    "no-budget": ("No budget", "无预算"),
    "no-decision": ("No decision", "未决策"),
    "timing": ("Timing", "时机不对"),
    "other": ("Other", "其他"),
}

VALUE_TYPES: dict[str, tuple[str, str]] = {
    "intrinsic": ("Intrinsic-value customer", "内在价值型"),
    "extrinsic": ("Extrinsic-value customer", "外在价值型"),
    "strategic": ("Strategic-value customer", "战略价值型"),
}

PERSONALITIES: dict[str, tuple[str, str]] = {
    "know-it-all": ("Thinks they know better", "自以为是"),
    "haggler": ("Haggles over every point", "斤斤计较"),
    "resentful": ("Carries old grievances", "心怀怨恨"),
    "calm-thinker": ("Calm, analytical", "冷静思考"),
    "procrastinator": ("Finds reasons to delay", "借故拖延"),
    "curious": ("Strongly curious", "好奇心强烈"),
    "talkative": ("Talks at length", "滔滔不绝"),
    "boaster": ("Boasts of wealth", "大吹大擂"),
    "insincere": ("Friendly but not serious", "虚情假意"),
    "suspicious": ("Distrustful", "生性多疑"),
    "impulsive": ("Emotional, impulsive", "情感冲动"),
    "silent": ("Reserved, says little", "沉默寡言"),
    "preconceived": ('"Just looking"', "先入为主"),
    "conservative": ("Conservative, loyal to habit", "思想保守"),
    "shy": ("Introverted, nervous", "内向含蓄"),
    "stubborn": ("Stubborn", "固执己见"),
    "hesitant": ("Indecisive", "犹豫不决"),
    "rational": ("Shrewd and rational", "精明理智"),
}

ACTIVITY_KINDS: dict[str, tuple[str, str]] = {
    "call": ("Phone call", "电话沟通"),
    "visit": ("Visit", "上门拜访"),
    "meeting": ("Meeting at our office", "来司面谈"),
    "email": ("Email", "邮件"),
    "wechat": ("WeChat", "微信"),
    "note": ("Note", "备注"),
}

GRADES: dict[str, tuple[str, str]] = {
    "A": ("A — key customer, follow weekly", "A类 重点客户"),
    "B": ("B — good customer, every two weeks", "B类 一般客户"),
    "C": ("C — lower priority, monthly", "C类 次要客户"),
}

# Quote statuses as shown: the stored ones plus "expired" (an open quote past its validity).
QUOTE_STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("Draft", "草稿"),
    "pending": ("Pending approval", "待审批"),
    "approved": ("Approved", "已批准"),
    "sent": ("Sent", "已发送"),
    "accepted": ("Accepted", "客户已接受"),
    "rejected": ("Rejected by the customer", "客户已拒绝"),
    "expired": ("Expired", "已过期"),
}

PAYMENT_TERMS: dict[str, tuple[str, str]] = {
    "cod": ("Cash on delivery", "现款现货"),
    "advance": ("Payment in advance", "预付款"),
    "net-30": ("30 days after delivery", "货到30天付款"),
    "net-60": ("60 days after delivery", "货到60天付款"),
    "installments": ("Installments", "分期付款"),
    "other": ("Other (see note)", "其他（见备注）"),
}

APPROVAL_KINDS: dict[str, tuple[str, str]] = {
    "discount": ("Discount", "折扣审批"),
    "payment-terms": ("Payment terms", "付款条件审批"),
    "contract": ("Contract", "合同审批"),
}

APPROVAL_STATUSES: dict[str, tuple[str, str]] = {
    "pending": ("Waiting", "待审批"),
    "approved": ("Approved", "已批准"),
    "rejected": ("Rejected", "已驳回"),
    "withdrawn": ("Withdrawn", "已撤回"),
}

CONTRACT_STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("Draft", "草稿"),
    "legal-review": ("In legal review", "法务审核中"),
    "pending": ("Pending approval", "待审批"),
    "approved": ("Approved", "已批准"),
    "sent": ("Sent for signature", "已发送待签"),
    "signed": ("Signed", "已签署"),
    "archived": ("Archived", "已归档"),
    "cancelled": ("Cancelled", "已取消"),
}

PAYMENT_METHODS: dict[str, tuple[str, str]] = {
    "bank": ("Bank transfer", "银行转账"),
    "cash": ("Cash", "现金"),
    "other": ("Other", "其他"),
}

PAYMENT_EVENTS: dict[str, tuple[str, str]] = {
    "sign": ("On signing", "签约时"),
    "delivery": ("On delivery", "交付时"),
}

VISIT_STATUSES: dict[str, tuple[str, str]] = {
    "scheduled": ("Scheduled", "待回访"),
    "done": ("Done", "已回访"),
    "cancelled": ("Cancelled", "已取消"),
}

TICKET_STATUSES: dict[str, tuple[str, str]] = {
    "open": ("Open", "待响应"),
    "responded": ("Responded", "处理中"),
    "resolved": ("Resolved", "已解决"),
}


def label(table: dict[str, tuple[str, str]], code: str | None) -> str:
    """The code's label in the person's language (the code itself if unknown)."""
    if code is None:
        return ""
    labels = table.get(code)
    if labels is None:
        return code
    return labels[1] if current_language() == "zh" else labels[0]


# Other spellings people and other CRMs use (the SPEC's short channel names, Salesforce's
# closed stages, everyday Chinese), compared case-insensitively like the labels.
SOURCE_ALIASES = {
    "来电": "phone",
    "电话": "phone",
    "名录": "list",
    "官网": "website",
    "在线咨询": "website",
    "网站": "website",
    "web": "website",
    "trade show": "trade-show",
    "tradeshow": "trade-show",
    "介绍": "referral",
    "转介": "referral",
    "陌拜": "cold-visit",
    "cold call": "cold-visit",
    "活动": "event",
}
STAGE_ALIASES = {
    "closed won": "won",
    "closed lost": "lost",
    "赢单": "won",
    "签约": "won",
    "输单": "lost",
    "流失": "lost",
    "线索": "new",
    "报价": "negotiation",
    "谈判": "negotiation",
}
LOST_REASON_ALIASES = {"价格": "price", "预算": "no-budget", "竞品": "competitor"}
ACTIVITY_KIND_ALIASES = {
    "phone": "call",
    "电话": "call",
    "拜访": "visit",
    "面谈": "meeting",
    "会议": "meeting",
    "mail": "email",
    "weixin": "wechat",
}
# Looked up by the table itself: the tables are module constants, never rebuilt.
_ALIASES: dict[int, dict[str, str]] = {
    id(SOURCES): SOURCE_ALIASES,
    id(STAGES): STAGE_ALIASES,
    id(LOST_REASONS): LOST_REASON_ALIASES,
    id(ACTIVITY_KINDS): ACTIVITY_KIND_ALIASES,
}


def _choices(table: dict[str, tuple[str, str]]) -> str:
    """The codes to choose from; in Chinese each with its label, which may be typed too."""
    if current_language() == "zh":
        return "、".join(f"{code}（{chinese}）" for code, (_english, chinese) in table.items())
    return ", ".join(table)


def parse_code(table: dict[str, tuple[str, str]], raw: str, *, field: str) -> str:
    """The code for a code, either language's label, or a known alias; else refused."""
    text = raw.strip()
    folded = " ".join(text.lower().replace("_", " ").split())
    for code, (english, chinese) in table.items():
        if folded in {code.lower(), english.lower()} or text == chinese:
            return code
    alias = _ALIASES.get(id(table), {}).get(folded)
    if alias is not None:
        return alias
    raise InputError(
        _("Unknown value '{value}' ({field}).").format(value=raw, field=field),
        hint=_("Choose one of: {codes}.").format(codes=_choices(table)),
    )
