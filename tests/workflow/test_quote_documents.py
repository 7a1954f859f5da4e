"""The quote document model and its layout: language, company header, visibility, formats."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from salesflow.config import Resolved, Settings
from salesflow.documents.html import render_html
from salesflow.documents.labels import money, percent, quantity
from salesflow.documents.layout import layout
from salesflow.documents.markdown import render_markdown, table, width
from salesflow.workflow.errors import ConfigurationError, InputError, NotFound
from salesflow.workflow.quote_documents import (
    CompanyHeader,
    DocumentLine,
    QuoteDocument,
    company_header,
    language_for,
    parse_language,
    quote_document,
)
from tests.cli.test_quote_export import add_lead
from tests.duplicate_data import reading
from tests.helpers import Cli
from tests.quotes import Item, make_quote


def settings(**company: str) -> Settings:
    unset = Resolved("", "unset")
    return Settings(
        database_url=unset,
        user=unset,
        config_file=Resolved("/etc/salesflow/config.toml", "platform"),
        data_dir=unset,
        stale_days=Resolved("30", "default"),
        company={key: Resolved(value, "config-file") for key, value in company.items()},
    )


def document(**changes: object) -> QuoteDocument:
    line = DocumentLine(
        position=1,
        sku="SF-1",
        name="软件",
        unit="套",
        quantity_milli=1500,
        unit_price_fen=100_00,
        discount_bp=0,
        tax_rate_bp=1300,
        subtotal_fen=150_00,
        net_fen=150_00,
        tax_fen=19_50,
        total_fen=169_50,
    )
    base = QuoteDocument(
        lang="zh",
        company=CompanyHeader(name="数帆"),
        customer_name="云栖",
        customer_region="浙江省",
        contact_name="",
        contact_phone="",
        contact_email="",
        number="Q-2026-0001",
        version=1,
        issued_on=date(2026, 1, 2),
        valid_until=date(2026, 2, 1),
        status="draft",
        status_label="草稿",
        currency="CNY",
        lines=(line,),
        subtotal_fen=150_00,
        discount_bp=0,
        discount_fen=0,
        tax_fen=19_50,
        total_fen=169_50,
        total_in_capitals="人民币壹佰陆拾玖元伍角",
        payment_terms="现款现货",
        payment_terms_note="",
        delivery_terms="",
        notes="",
        prepared_by="李娜",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "asked", "expected"),
    [
        ("杭州云栖科技有限公司", None, "zh"),
        ("Acme 中国", None, "zh"),
        ("Acme Ltd", None, "en"),
        ("Acme Ltd", "zh", "zh"),
        ("杭州云栖", "en", "en"),
    ],
)
def test_language(name: str, asked: str | None, expected: str) -> None:
    assert language_for(name, asked) == expected


def test_parse_language() -> None:
    assert parse_language(None) is None
    assert parse_language(" ZH-CN ") == "zh"
    assert parse_language("English") == "en"
    with pytest.raises(InputError, match="--lang"):
        parse_language("fr")


def test_company_header_needs_a_name() -> None:
    with pytest.raises(ConfigurationError) as raised:
        company_header(settings(company_address="somewhere"), "zh")
    assert raised.value.hint is not None
    assert "company_name" in raised.value.hint
    assert "/etc/salesflow/config.toml" in raised.value.hint
    both = settings(company_name="数帆", company_name_en="Shufan Ltd", company_phone=" 0571 ")
    assert company_header(both, "zh") == CompanyHeader(name="数帆", phone="0571")
    assert company_header(both, "en").name == "Shufan Ltd"
    assert company_header(settings(company_name="数帆"), "en").name == "数帆"


def test_number_formats() -> None:
    assert money(0) == "0.00"
    assert money(123_456_789) == "1,234,567.89"
    assert quantity(1000) == "1"
    assert quantity(1500) == "1.5"
    assert quantity(1234) == "1.234"
    assert quantity(1_000_000_000) == "1,000,000"
    assert percent(1300) == "13%"
    assert percent(1250) == "12.5%"
    assert percent(5) == "0.05%"


def test_layout_lists_discounts_only_when_there_are_some() -> None:
    plain = layout(document())
    assert [label for label, _value in plain.totals] == ["折前金额合计", "税额合计"]
    assert plain.capitals == ("大写金额", "人民币壹佰陆拾玖元伍角")
    discounted = layout(document(discount_fen=5_00, discount_bp=300))
    assert ("折扣", "-5.00") in discounted.totals
    assert ("折扣", "整单折扣 3%") in discounted.terms
    english = layout(document(lang="en", total_in_capitals=""))
    assert english.capitals is None
    assert english.headers[1] == "SKU"


def test_layout_dates_in_the_documents_language() -> None:
    chinese = layout(document())
    assert ("报价日期", "2026年1月2日") in chinese.quote_facts
    assert ("有效期至", "2026年2月1日") in chinese.quote_facts
    english = layout(document(lang="en"))
    assert ("Date", "2026-01-02") in english.quote_facts
    assert ("Valid until", "2026-02-01") in english.quote_facts


def test_markdown_table_lines_up_with_wide_characters() -> None:
    rows = table(["名称", "Amount"], [False, True], [["软件|服务", "1.00"], ["x", "10,000.00"]])
    assert len({width(row) for row in rows}) == 1
    assert "软件\\|服务" in rows[2]
    body = render_markdown(document())
    assert "人民币壹佰陆拾玖元伍角" in body
    assert "**¥169.50**" in body


def test_html_escapes_every_text() -> None:
    page = render_html(
        document(
            company=CompanyHeader(name="<b>数帆</b>", address="A & B"),
            notes='"><img src=x onerror=alert(1)>',
        )
    )
    assert "<b>" not in page
    assert "&lt;b&gt;数帆&lt;/b&gt;" in page
    assert "A &amp; B" in page
    assert "<img" not in page


def test_templates_ship_inside_the_package() -> None:
    import salesflow.documents

    template = Path(salesflow.documents.__file__).parent / "templates" / "quote.html.j2"
    assert template.is_file()


def test_document_from_the_database(cli: Cli, team: str) -> None:
    lead_id = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    make_quote(
        team,
        lead_id,
        [Item("SF-A", 2500, 1_234_56, 700), Item("SF-B", 1000, None, 0)],
        discount_bp=250,
        valid_until=date(2020, 1, 1),
    )
    company = settings(company_name="杭州数帆信息技术有限公司")
    with reading(team) as session:
        from salesflow.workflow.identity import find_user

        li_na = find_user(session, "li.na")
        assert li_na is not None
        doc = quote_document(session, li_na, "q-2026-1", settings=company)
        assert doc.lang == "zh"
        assert doc.number == "Q-2026-0001"
        assert doc.version == 1
        assert doc.status == "expired"
        assert doc.status_label == "已过期"
        assert doc.contact_name == "王磊"
        assert doc.contact_phone == "138 0013 8000"
        assert doc.customer_region == "浙江省杭州市"
        assert [line.sku for line in doc.lines] == ["SF-A", "SF-B"]
        assert doc.subtotal_fen == sum(line.subtotal_fen for line in doc.lines)
        assert doc.net_fen == sum(line.net_fen for line in doc.lines)
        assert doc.total_fen == doc.net_fen + doc.tax_fen
        assert doc.total_fen == sum(line.total_fen for line in doc.lines)
        assert doc.total_in_capitals.startswith("人民币")
        english = quote_document(session, li_na, "Q-2026-0001", settings=company, lang="en")
        assert english.total_in_capitals == ""
        assert english.payment_terms == "Cash on delivery"
        for other in ("liu.yang", "zhang.wei"):
            user = find_user(session, other)
            assert user is not None
            with pytest.raises(NotFound):
                quote_document(session, user, "Q-2026-0001", settings=company)
        boss = find_user(session, "zhao.min")
        assert boss is not None
        assert quote_document(session, boss, "Q-2026-0001", settings=company).number
        with pytest.raises(NotFound):
            quote_document(session, li_na, "Q-2026-0001", version=3, settings=company)


NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not NOTO.is_file(), reason="fonts-noto-cjk is not installed")
def test_font_collection_uses_the_simplified_chinese_face() -> None:
    from salesflow.documents.fonts import configured_face, simplified_chinese_face

    assert simplified_chinese_face(NOTO) == 2  # JP, KR, SC, TC, HK, then the Mono faces
    assert configured_face(str(NOTO), "pdf_font").index == 2
    assert configured_face(f"{NOTO}:3", "pdf_font").index == 3


def test_font_setting_must_name_a_font_file(tmp_path: Path) -> None:
    from salesflow.documents.fonts import configured_face

    with pytest.raises(ConfigurationError, match="does not exist"):
        configured_face(str(tmp_path / "none.ttf"), "pdf_font")
    text = tmp_path / "font.txt"
    text.write_text("not a font", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not a TrueType"):
        configured_face(str(text), "pdf_font")
