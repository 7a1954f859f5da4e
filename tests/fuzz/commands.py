"""Every command that writes, with the strategy of its arguments and who may run it.

The references (lead numbers, quote and contract numbers...) are those of
:mod:`tests.fuzz.world`; each strategy mixes them with hostile values from
:mod:`tests.fuzz.values`. Commands that destroy what others need (merge, restore) come last
in their group.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.fuzz import world as w
from tests.fuzz.runner import Command
from tests.fuzz.values import (
    FLAG,
    Field,
    FileArg,
    OutPath,
    code,
    command,
    day,
    file_name,
    number,
    out_path,
    parts,
    percent,
    period,
    ref,
    several,
    table_file,
    text,
)

SOURCES = ("website", "phone", "trade-show", "list", "referral", "cold-visit", "event", "other")
STAGES = ("new", "contacted", "qualified", "proposal", "negotiation", "contract", "won", "lost")
LOST = ("price", "competitor", "no-budget", "no-decision", "timing", "other")
ROLES = ("rep", "manager", "director", "legal", "service", "admin")
TERMS = ("cod", "advance", "net-30", "net-60", "installments", "other")
KINDS = ("call", "visit", "meeting", "email", "wechat", "note", "电话")

users = ref(*w.EVERYONE, "-")
leads = ref(*w.LEADS)
quotes = ref(*w.QUOTES, *(q.lower() for q in w.QUOTES), "q-2026-1")
contracts = ref(*w.CONTRACTS)
customers = ref(*w.CUSTOMERS)
skus = ref(*w.SKUS, "sku-1")
flag = FLAG

LEAD_FIELDS = {
    "--company": text("杭州新测试科技有限公司", "ACME Ltd."),
    "--contact": text("张三", "Eric Chen"),
    "--title": text("经理"),
    "--phone": text("13900000000", "0571-88886666", "+86 139 0000 0000", free=False),
    "--email": text("a@example.cn", "x.y@mail.com", free=False),
    "--wechat": text("wx_123", "sales-2026", free=False),
    "--province": text("浙江", "浙江省", "广东", free=False),
    "--city": text("杭州", "杭州市", free=False),
    "--county": text("西湖区", free=False),
    "--industry": text("制造业"),
    "--employees": number("50", "0"),
    "--founded-year": number("2010", "1900", "2099"),
    "--referrer": text("老王"),
    "--need": text("ERP"),
    "--amount": number("12万", "120000", "0"),
    "--notes": text(),
}

LEAD_ADD = Command(
    ("lead", "add"),
    command(
        opts={
            **LEAD_FIELDS,
            "--owner": ref("-", "li.na"),
            "--attach-to": customers,
            "--format": code("json"),
        },
        required={
            "--company": LEAD_FIELDS["--company"],
            "--contact": LEAD_FIELDS["--contact"],
            "--source": code(*SOURCES),
        },
    ),
    allowed=w.SELLERS,
    denied=("sun.li", "zhou.xin"),
)
LEAD_EDIT = Command(
    ("lead", "edit"),
    command(
        leads,
        opts={
            **LEAD_FIELDS,
            "--source": code(*SOURCES),
            "--expected-close": day("2026-12-31", "+30d"),
            "--clear": code("email", "phone", "notes", "company", "amount", "expected-close"),
        },
    ),
    allowed=w.SELLERS,
    denied=("sun.li", "zhou.xin"),
)
LEAD_ASSIGN = Command(
    ("lead", "assign"),
    command(leads, required={"--to": users}),
    allowed=(*w.MANAGERS, "zhao.min", "boss"),
    denied=w.REPS,
)
LEAD_GRADE = Command(
    ("lead", "grade"),
    command(
        leads,
        opts={
            "--employees": number("50"),
            "--founded-year": number("2010"),
            "--budget": number("20万", "200000"),
            "--need-fit": number("3", "5"),
            "--likelihood": number("4", "1"),
            "--decision-maker": flag,
            "--no-decision-maker": flag,
            "--value-type": code("intrinsic", "extrinsic", "strategic"),
            "--personality": code("haggler", "hesitant", "rational"),
        },
    ),
    allowed=w.SELLERS,
    denied=("sun.li",),
)
LEAD_ADVANCE = Command(
    ("lead", "advance"),
    command(leads, opts={"--to": code(*STAGES), "--note": text(), "--proposal": text()}),
    allowed=w.SELLERS,
    denied=("zhou.xin",),
)
LEAD_LOSE = Command(
    ("lead", "lose"),
    command(
        leads,
        required={"--reason": code(*LOST, "价格")},
        opts={"--competitor": text("对手"), "--note": text()},
    ),
    allowed=w.SELLERS,
    denied=("sun.li",),
)
LEAD_REOPEN = Command(
    ("lead", "reopen"),
    command(ref(w.LOST_LEAD, *w.LEADS), opts={"--to": code(*STAGES), "--note": text("重新跟进")}),
    allowed=w.SELLERS,
    denied=("zhou.xin",),
)
LEAD_MERGE = Command(
    ("lead", "merge"),
    command(leads, several(leads), opts={"--yes": flag}),
    allowed=(*w.MANAGERS, "zhao.min", "boss", "li.na"),
    denied=("liu.yang",),
)
ACTIVITY_LOG = Command(
    ("activity", "log"),
    command(
        leads,
        required={"--kind": code(*KINDS), "--summary": text("电话沟通")},
        opts={
            "--outcome": text(),
            "--next-date": day(),
            "--next-action": text("回访"),
            "--at": day("2026-11-24 15:30", "yesterday", "today"),
        },
    ),
    allowed=w.SELLERS,
    denied=("sun.li",),
)

# ---------------------------------------------------------------- files in and out

LEAD_HEADER = ("company", "contact", "phone", "source", "amount", "province", "owner", "stage")
LEAD_ROWS = (
    ("杭州导入科技有限公司", "李四", "13700000001", "website", "5万", "浙江", "li.na", "new"),
    ("Bluefinch Ltd.", "Eric Chen", "13528991089", "官网/在线咨询", "59万", "", "", "new"),
    ("丽水导入有限公司", "王六", "", "phone", "", "浙江", "-", "lost"),
)
LEAD_IMPORT = Command(
    ("lead", "import"),
    command(
        table_file(LEAD_HEADER, LEAD_ROWS),
        opts={
            "--map": several(
                parts("=", code("company", "phone", "contact"), code("company", "phone", "-")),
                ",",
            ),
            "--dry-run": flag,
            "--skip-invalid": flag,
            "--rejects": out_path(".csv"),
            "--source": code(*SOURCES),
            "--owner": users,
            "--lost-reason": code(*LOST),
        },
    ),
    allowed=(*w.MANAGERS, "zhao.min", "boss", "li.na"),
    denied=("zhou.xin",),
    weight=1.2,
)
LEAD_IMPORT_UNDO = Command(
    ("lead", "import"),
    command(required={"--undo": ref("1", "2", "3")}),
    allowed=("boss", "zhao.min", "wang.qiang"),
    denied=("li.na",),
    label="lead import --undo",
)
LEAD_EXPORT = Command(
    ("lead", "export"),
    command(
        required={"--to": out_path(".csv", ".xlsx", ".json")},
        opts={
            "--format": code("csv", "xlsx", "json"),
            "--owner": users,
            "--stage": code(*STAGES),
            "--source": code(*SOURCES),
            "--province": text("浙江", free=False),
        },
    ),
    allowed=w.EVERYONE,
)
PRODUCT_HEADER = ("sku", "name", "unit", "price", "tax_rate", "category", "active")
PRODUCT_ROWS = (
    ("ERP-STD", "企业ERP标准版", "套", "128000", "13%", "software", "yes"),
    ("NEW-1", "新产品", "台", "1.28万", "6%", "", "no"),
    ("SKU-1", "产品 SKU-1", "个", "0.01", "0%", "hardware", "启用"),
)
PRODUCT_IMPORT = Command(
    ("product", "import"),
    command(table_file(PRODUCT_HEADER, PRODUCT_ROWS), opts={"--update": flag, "--dry-run": flag}),
    allowed=("zhao.min", "boss"),
    denied=("li.na", "wang.qiang"),
)
TODAY_ICS = Command(
    ("today",),
    command(
        required={"--ics": out_path(".ics")},
        opts={
            "--date": day(),
            "--as": users,
            "--stale-days": number("30"),
            "--limit": number("10"),
            "--format": code("json", "csv"),
        },
    ),
    allowed=w.EVERYONE,
)
CONTRACT_SIGN = Command(
    ("contract", "sign"),
    command(
        contracts,
        opts={
            "--signed-on": day("today", "yesterday"),
            "--signer": text("王总"),
            "--file": Field(
                st.builds(FileArg, st.just(b"%PDF-1.4 signed"), st.just(".pdf")),
                st.one_of(
                    st.builds(FileArg, st.binary(max_size=64), st.sampled_from([".pdf", ""])),
                    out_path(".pdf").hostile,
                ),
            ),
        },
    ),
    allowed=("li.na", "wang.qiang", "boss"),
    denied=("zhang.wei", "sun.li"),
)
QUOTE_EXPORT = Command(
    ("quote", "export"),
    command(
        quotes,
        required={"--to": out_path(".md", ".html", ".pdf")},
        opts={
            "--version": number("1", "2"),
            "--lang": code("zh", "en"),
            "--force": flag,
            "--draft": flag,
        },
    ),
    allowed=("li.na", "wang.qiang", "zhang.wei"),
    denied=("liu.yang",),
)
DB_BACKUP = Command(
    ("db", "backup"),
    command(out_path(".db", ".sqlite"), opts={"--force": flag}),
    allowed=("boss",),
    denied=("li.na", "zhao.min"),
)

# ---------------------------------------------------------------- the price list

PRODUCT_FIELDS = {
    "--name": text("企业ERP标准版"),
    "--unit": text("套", "user/year", free=False),
    "--price": number("12800", "1.28万", "12,800.00"),
    "--tax-rate": percent("13%", "6%", "0%"),
    "--category": text("software", "hardware", free=False),
}
PRODUCT_ADD = Command(
    ("product", "add"),
    command(
        required={
            "--sku": text("NEW-2", "erp-std", "NEW-3", free=False),
            "--name": PRODUCT_FIELDS["--name"],
            "--price": PRODUCT_FIELDS["--price"],
        },
        opts={k: v for k, v in PRODUCT_FIELDS.items() if k not in {"--name", "--price"}},
    ),
    allowed=("zhao.min", "boss"),
    denied=("li.na",),
)
PRODUCT_EDIT = Command(
    ("product", "edit"),
    command(skus, opts={**PRODUCT_FIELDS, "--active": flag, "--inactive": flag}),
    allowed=("zhao.min", "boss"),
    denied=("wang.qiang",),
)

# ---------------------------------------------------------------- quotes and approvals

line = Field(
    st.one_of(
        parts(":", skus, number("1", "2.5", "0.001")).valid,
        parts(":", skus, number("1"), number("900", "100000")).valid,
        parts(":", skus, number("1"), number("100000"), percent("5%", "0")).valid,
    ),
    st.one_of(
        parts(":", skus, number("1", "2.5")).hostile,
        parts(":", skus, number("1"), number("900", "100000"), percent("5%", "0")).hostile,
        text("SKU-1:1:::", ":::", "SKU-1").hostile,
    ),
)
QUOTE_TERMS = {
    "--line": several(line),
    "--discount": percent("5%", "0%", "10"),
    "--valid-days": number("30", "1"),
    "--valid-until": day("+2w", "next friday"),
    "--payment-terms": code(*TERMS),
    "--payment-note": text("分期"),
    "--delivery": text("30天交付"),
    "--notes": text(),
}


QUOTE_NEW = Command(
    ("quote", "new"),
    command(leads, opts=QUOTE_TERMS),
    allowed=w.SELLERS,
    denied=("sun.li",),
)
QUOTE_EDIT = Command(
    ("quote", "edit"),
    command(quotes, opts={**QUOTE_TERMS, "--version": number("1", "2")}),
    allowed=w.SELLERS,
    denied=("zhou.xin",),
)
QUOTE_REVISE = Command(
    ("quote", "revise"),
    command(quotes, opts=QUOTE_TERMS),
    allowed=w.SELLERS,
    denied=("zhou.xin",),
)
QUOTE_SUBMIT = Command(("quote", "submit"), command(quotes), allowed=w.SELLERS)
QUOTE_SEND = Command(("quote", "send"), command(quotes), allowed=w.SELLERS)
QUOTE_ACCEPT = Command(("quote", "accept"), command(quotes), allowed=w.SELLERS)
QUOTE_REJECT = Command(
    ("quote", "reject"), command(quotes, opts={"--reason": text("太贵")}), allowed=w.SELLERS
)
approvals = ref(*w.APPROVALS)
APPROVAL_APPROVE = Command(
    ("approval", "approve"),
    command(approvals, opts={"--comment": text("同意")}),
    allowed=(*w.MANAGERS, "zhao.min"),
    denied=("li.na", "sun.li"),
)
APPROVAL_REJECT = Command(
    ("approval", "reject"),
    command(approvals, opts={"--comment": text("价格太低")}),
    allowed=(*w.MANAGERS, "zhao.min"),
    denied=("li.na",),
)

# ---------------------------------------------------------------- contracts and payments

CONTRACT_NEW = Command(
    ("contract", "new"),
    command(required={"--quote": quotes}, opts={"--version": number("1")}),
    allowed=("li.na", "zhang.wei", "wang.qiang"),
    denied=("sun.li",),
)
CONTRACT_SUBMIT = Command(("contract", "submit"), command(contracts), allowed=("li.na", "boss"))
CONTRACT_REVIEW = Command(
    ("contract", "review"),
    command(contracts, opts={"--approve": flag, "--return": flag, "--comment": text("条款不清")}),
    allowed=("sun.li",),
    denied=("li.na",),
)
CONTRACT_SEND = Command(("contract", "send"), command(contracts), allowed=("li.na", "boss"))
CONTRACT_VERIFY = Command(("contract", "verify"), command(contracts), allowed=w.EVERYONE)
CONTRACT_CANCEL = Command(
    ("contract", "cancel"),
    command(contracts, opts={"--reason": text("客户取消")}),
    allowed=("li.na", "wang.qiang"),
    denied=("zhang.wei",),
)
share = percent("30%", "70%", "100%", "50%")
when = Field(
    st.one_of(code("sign", "delivery").valid, day("2026-12-31").valid),
    st.one_of(code("sign").hostile, day().hostile),
)
PAYMENT_SCHEDULE = Command(
    ("payment", "schedule"),
    command(
        contracts,
        opts={"--plan": several(parts(":", share, when), ","), "--format": code("json")},
    ),
    allowed=("li.na", "wang.qiang", "boss"),
    denied=("zhang.wei",),
)
PAYMENT_DELIVERED = Command(
    ("payment", "delivered"),
    command(contracts, opts={"--on": day("today", "yesterday")}),
    allowed=("li.na", "wang.qiang", "boss"),
    denied=("liu.yang",),
)
PAYMENT_RECORD = Command(
    ("payment", "record"),
    command(
        contracts,
        number("1000", "0.01", "12万", "120,000.50"),
        opts={
            "--date": day("today", "yesterday"),
            "--method": code("bank", "cash", "other"),
            "--note": text("银行流水 123"),
        },
    ),
    allowed=("li.na", "wang.qiang", "boss"),
    denied=("zhang.wei", "sun.li"),
)

# ---------------------------------------------------------------- after-sales

SERVICE = ("zhou.xin", "li.na", "boss")
tickets = ref(*w.TICKETS)
VISIT_LOG = Command(
    ("service", "visit", "log"),
    command(
        customers,
        required={"--satisfaction": number("5", "1"), "--note": text("满意")},
        opts={"--date": day("today"), "--visit": ref("1", "2")},
    ),
    allowed=SERVICE,
    denied=("zhang.wei",),
)
VISIT_SCHEDULE = Command(
    ("service", "visit", "schedule"),
    command(customers, required={"--on": day("+7d")}, opts={"--note": text("回访")}),
    allowed=SERVICE,
    denied=("liu.yang",),
)
TICKET_OPEN = Command(
    ("service", "ticket", "open"),
    command(
        customers,
        required={"--title": text("无法登录")},
        opts={
            "--description": text(),
            "--assignee": users,
            "--response-hours": number("24", "1"),
        },
    ),
    allowed=SERVICE,
    denied=("liu.yang",),
)
TICKET_RESPOND = Command(
    ("service", "ticket", "respond"),
    command(tickets, opts={"--text": text("已联系")}),
    allowed=SERVICE,
    denied=("liu.yang",),
)
TICKET_RESOLVE = Command(
    ("service", "ticket", "resolve"),
    command(tickets, opts={"--resolution": text("已修复")}),
    allowed=SERVICE,
    denied=("liu.yang",),
)
CARE_BIRTHDAY = Command(
    ("service", "care", "birthday"),
    command(
        customers,
        required={"--on": day("03-15", "1980-03-15", "02-29")},
        opts={"--contact": text("王五")},
    ),
    allowed=SERVICE,
    denied=("liu.yang",),
)
REFERRAL_ASK = Command(
    ("service", "referral", "ask"),
    command(customers, opts={"--note": text("年会上提到")}),
    allowed=SERVICE,
    denied=("liu.yang",),
)
REFERRAL_THANK = Command(
    ("service", "referral", "list"),
    command(required={"--thank": ref(w.REFERRED_LEAD, *w.LEADS)}, opts={"--note": text("送茶叶")}),
    allowed=SERVICE,
    denied=("liu.yang",),
    label="service referral list --thank",
)

# ---------------------------------------------------------------- people and targets

login = Field(
    st.sampled_from(["new.rep", "New.Rep", "x", "a_b-c.d", "li.na"]),
    st.one_of(st.sampled_from(["a" * 64, "a" * 65, "LI.NA", "root", ""]), text().hostile),
)
USER_ADD = Command(
    ("user", "add"),
    command(
        login,
        opts={
            "--role": code(*ROLES),
            "--manager": users,
            "--display-name": text("新同事"),
        },
    ),
    allowed=("boss",),
    denied=("zhao.min", "li.na"),
)
USER_EDIT = Command(
    ("user", "edit"),
    command(
        ref(*w.EVERYONE),
        opts={
            "--role": code(*ROLES),
            "--manager": users,
            "--no-manager": flag,
            "--display-name": text("李娜"),
            "--active": flag,
            "--inactive": flag,
            "--discount-authority": percent("15%", "-", "100%"),
        },
    ),
    allowed=("boss", "zhao.min"),
    denied=("wang.qiang", "li.na"),
)
TARGET_SET = Command(
    ("target", "set"),
    command(
        opts={"--user": users, "--team": users},
        required={
            "--period": period("2026-W47", "2026-11", "2026-Q4", "2026", "2026年11月"),
            "--amount": number("50万", "500000", "500,000.00"),
        },
    ),
    allowed=("zhao.min", "boss", "wang.qiang"),
    denied=("li.na", "sun.li"),
)

LEADS = (
    LEAD_ADD,
    LEAD_EDIT,
    LEAD_GRADE,
    ACTIVITY_LOG,
    LEAD_ADVANCE,
    LEAD_ASSIGN,
    LEAD_LOSE,
    LEAD_REOPEN,
    LEAD_MERGE,
)
DEALS = (
    PRODUCT_ADD,
    PRODUCT_EDIT,
    QUOTE_NEW,
    QUOTE_EDIT,
    QUOTE_REVISE,
    QUOTE_SUBMIT,
    APPROVAL_APPROVE,
    APPROVAL_REJECT,
    QUOTE_SEND,
    QUOTE_ACCEPT,
    QUOTE_REJECT,
)
CONTRACTS = (
    CONTRACT_NEW,
    CONTRACT_SUBMIT,
    CONTRACT_REVIEW,
    CONTRACT_SEND,
    CONTRACT_VERIFY,
    PAYMENT_SCHEDULE,
    PAYMENT_DELIVERED,
    PAYMENT_RECORD,
    CONTRACT_CANCEL,
)
SERVICE_COMMANDS = (
    VISIT_LOG,
    VISIT_SCHEDULE,
    TICKET_OPEN,
    TICKET_RESPOND,
    TICKET_RESOLVE,
    CARE_BIRTHDAY,
    REFERRAL_ASK,
    REFERRAL_THANK,
)
PEOPLE = (USER_ADD, USER_EDIT, TARGET_SET)
FILES_IN = (LEAD_IMPORT, LEAD_IMPORT_UNDO, PRODUCT_IMPORT, CONTRACT_SIGN)
FILES_OUT = (LEAD_EXPORT, TODAY_ICS, QUOTE_EXPORT, DB_BACKUP)

# ---------------------------------------------------------------- the database itself

admin_names = ("boss", "admin", "Wang.Qiang", "a_b-c.d")
INIT_NEW = Command(
    ("init",),
    command(opts={"--sample-team": flag}),
    allowed=admin_names,
    label="init (new database)",
    database=Field(
        st.builds(OutPath, st.just("salesflow.db")),
        st.builds(OutPath, file_name([".db", ".sqlite"]), st.sampled_from(["new", "missing-dir"])),
    ).any(),
    fresh_schema=True,
)
INIT_AGAIN = Command(
    ("init",),
    command(opts={"--sample-team": flag}),
    allowed=("boss",),
    denied=("li.na", "new.admin"),
    label="init (existing database)",
)
DB_UPGRADE = Command(("db", "upgrade"), command(), allowed=w.EVERYONE)
backup_file = Field(
    st.builds(FileArg, st.just(b""), st.just(".db"), st.just("backup"), st.just("backup")),
    st.one_of(
        st.builds(
            FileArg,
            st.just(b""),
            st.sampled_from([".db", ""]),
            st.just("backup"),
            st.just("backup"),
            st.one_of(st.none(), st.integers(0, 20_000)),
            st.one_of(st.none(), st.integers(0, 200_000)),
        ),
        st.builds(FileArg, st.binary(max_size=300), st.just(".db")),
        st.builds(
            FileArg,
            st.binary(max_size=300).map(lambda b: b"SQLite format 3\x00" + b),
            st.just(".db"),
        ),
        st.builds(FileArg, st.just(b""), st.just(".db"), st.just("other"), st.just("plain-sqlite")),
        out_path(".db").hostile,
    ),
)
DB_RESTORE = Command(
    ("db", "restore"),
    command(backup_file, opts={"--force": flag}),
    allowed=("boss",),
    denied=("li.na", "zhao.min"),
    fresh_schema=True,
)
