"""Pure rules for lead capture: phones, emails, WeChat, company keys, regions, money."""

from __future__ import annotations

import pytest

from salesflow.workflow.companies import company_key
from salesflow.workflow.contacts import (
    format_phone,
    normalize_email,
    normalize_phone,
    normalize_wechat,
)
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import LOST_REASONS, SOURCES, STAGES, parse_code
from salesflow.workflow.money import format_yuan, parse_amount, yuan_text
from salesflow.workflow.regions import normalize_region


@pytest.mark.parametrize(
    ("raw", "e164", "shown"),
    [
        ("13800138000", "+8613800138000", "138 0013 8000"),
        ("+86 138-0013-8000", "+8613800138000", "138 0013 8000"),
        ("0571-88888888", "+8657188888888", "0571 8888 8888"),
        ("(010) 6552 9988", "+861065529988", "010 6552 9988"),
        ("+1 415 555 2671", "+14155552671", "+1 415-555-2671"),
    ],
)
def test_phones_are_stored_e164_and_shown_nationally(raw: str, e164: str, shown: str) -> None:
    assert normalize_phone(raw) == e164
    assert format_phone(e164) == shown


@pytest.mark.parametrize("raw", ["12345", "phone", "", "+86 999 9999 9999", "1" * 40])
def test_bad_phones_name_the_field(raw: str) -> None:
    with pytest.raises(InputError, match="--phone"):
        normalize_phone(raw)


def test_emails_are_lower_cased_and_checked_offline() -> None:
    assert normalize_email(" Li.Na@Example.COM ") == "li.na@example.com"
    for bad in ["li.na", "li@", "@x.com", "a b@x.com"]:
        with pytest.raises(InputError, match="--email"):
            normalize_email(bad)


def test_wechat_ids() -> None:
    assert normalize_wechat("wxid_li-na88") == "wxid_li-na88"
    assert normalize_wechat("13800138000") == "13800138000"
    for bad in ["ab", "1abcdef", "李娜的微信", "a" * 21]:
        with pytest.raises(InputError, match="--wechat"):
            normalize_wechat(bad)


@pytest.mark.parametrize(
    ("names", "same"),
    [
        (
            [
                "杭州云栖科技有限公司",
                "杭州云栖科技股份有限公司",
                "杭州云栖科技",
                "杭州 云栖科技 公司",
            ],
            True,
        ),
        (
            [
                "ＡＢＣ　Trading Co., Ltd.",
                "abc trading co ltd",
                "ABC Trading, Inc.",
                "A.B.C. Trading",
            ],
            True,
        ),
        (["华为技术有限公司", "华为技术（深圳）有限公司"], False),
        (["Acme Corp.", "Acme Corporation", "ACME"], True),
    ],
)
def test_company_keys(names: list[str], same: bool) -> None:
    keys = {company_key(name) for name in names}
    assert (len(keys) == 1) is same, keys


def test_company_key_never_empties_a_name() -> None:
    assert company_key("公司") == "公司"
    assert company_key("Limited") == "limited"


@pytest.mark.parametrize(
    ("given", "official"),
    [
        (("浙江", "杭州", "西湖"), ("浙江省", "杭州市", "西湖区")),
        (("北京", "朝阳区", None), ("北京市", "北京市", "朝阳区")),
        ((None, "杭州", None), ("浙江省", "杭州市", None)),
        (("广西", "桂林", None), ("广西壮族自治区", "桂林市", None)),
        (("新疆", "伊犁", None), ("新疆维吾尔自治区", "伊犁哈萨克自治州", None)),
        (("湖南", "湘西", "凤凰"), ("湖南省", "湘西土家族苗族自治州", "凤凰县")),
        (("吉林", "白山", "长白"), ("吉林省", "白山市", "长白朝鲜族自治县")),
        (("广东", "东莞", None), ("广东省", "东莞市", None)),
        (("海南", "五指山", None), ("海南省", "五指山市", None)),
    ],
)
def test_regions_normalize_to_official_names(
    given: tuple[str | None, str | None, str | None], official: tuple[str, str, str | None]
) -> None:
    region = normalize_region(*given)
    assert region is not None
    assert (region.province, region.city, region.county) == official


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (("火星", None, None), "--province"),
        (("浙江", "北京", None), "--city"),
        (("浙江", "杭州", "朝阳"), "--county"),
        ((None, None, "西湖"), "--province"),
    ],
)
def test_unknown_regions_name_the_field(
    given: tuple[str | None, str | None, str | None], field: str
) -> None:
    with pytest.raises(InputError, match=field):
        normalize_region(*given)


def test_no_region_is_none() -> None:
    assert normalize_region(None, "", "  ") is None


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("120000", 12_000_000),
        ("120,000.50", 12_000_050),
        ("12万", 12_000_000),
        ("¥3.005", 301),
        ("1.2亿", 12_000_000_000),
        ("0", 0),
        ("8888元", 888_800),
    ],
)
def test_amounts_are_exact_fen(raw: str, fen: int) -> None:
    assert parse_amount(raw) == fen


@pytest.mark.parametrize(
    "raw", ["-5", "abc", "", "1e400", "1e3", "nan", "inf", "99999999999999", "1.2.3"]
)
def test_bad_amounts_name_the_field(raw: str) -> None:
    with pytest.raises(InputError, match="--amount"):
        parse_amount(raw)


def test_amount_display() -> None:
    assert format_yuan(12_345_650) == "¥123,456.50"
    assert yuan_text(12_345_650) == "123456.50"
    assert format_yuan(None) == ""


@pytest.mark.parametrize(
    ("table", "raw", "code"),
    [
        (SOURCES, "来电", "phone"),
        (SOURCES, "名录", "list"),
        (SOURCES, "Trade Show", "trade-show"),
        (SOURCES, "转介绍", "referral"),
        (STAGES, "Closed Won", "won"),
        (STAGES, "closed_lost", "lost"),
        (STAGES, "需求确认", "qualified"),
        (LOST_REASONS, "价格原因", "price"),
        (LOST_REASONS, "价格", "price"),
    ],
)
def test_codes_accept_labels_and_everyday_aliases(
    table: dict[str, tuple[str, str]], raw: str, code: str
) -> None:
    assert parse_code(table, raw, field="--x") == code


def test_unknown_code_names_the_field() -> None:
    with pytest.raises(InputError, match="--source"):
        parse_code(SOURCES, "fax", field="--source")
