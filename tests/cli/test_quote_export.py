"""quote export: Markdown, HTML and PDF documents; language; audit; refusals write nothing.

The PDF tests read the PDF back with poppler-utils (pdftotext, pdftoppm) and need a CJK
font (fonts-noto-cjk); outside CI they skip when those are missing, in CI they must run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from salesflow.workflow.capital_numerals import capital_yuan
from salesflow.workflow.quote_math import LineInput, price_quote
from tests.conftest import IN_CI
from tests.helpers import Cli, assert_refused_unchanged, snapshot
from tests.quotes import Item, ensure_product, make_quote

COMPANY = "杭州数帆信息技术有限公司"
COMPANY_TOML = f"""\
company_name = "{COMPANY}"
company_name_en = "Hangzhou Shufan Information Technology Co., Ltd."
company_address = "浙江省杭州市西湖区文三路 90 号"
company_phone = "0571-8888 6666"
company_email = "sales@shufan.example"
company_tax_id = "91330106MA2XXXXX1K"
company_bank_account = "招商银行杭州分行 5719 0000 0000 0001"
"""
CUSTOMER = "杭州云栖科技有限公司"
SCRIPT = "<script>alert('x')</script>"
ITEMS = [
    Item("SF-CRM", 2000, 12_345_00, 500),
    Item("SF-XSS", 1500, 999_99, 0),
    Item("SF-SVC", 1000, None, 1000),
]


def _products(url: str) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            ensure_product(session, "SF-CRM", name="销售管理系统 标准版", price_fen=13_000_00)
            ensure_product(session, "SF-XSS", name=SCRIPT + " | *bold*", price_fen=999_99)
            ensure_product(session, "SF-SVC", name="实施服务", price_fen=20_000_00)
            session.commit()
    finally:
        engine.dispose()


def _total(items: list[Item], prices: dict[str, int], discount_bp: int) -> int:
    lines = [
        LineInput(
            quantity_milli=item.quantity_milli,
            list_price_fen=prices[item.sku],
            unit_price_fen=prices[item.sku] if item.unit_price_fen is None else item.unit_price_fen,
            discount_bp=item.discount_bp,
        )
        for item in items
    ]
    return price_quote(lines, discount_bp).total_fen


TOTAL = _total(ITEMS, {"SF-CRM": 13_000_00, "SF-XSS": 999_99, "SF-SVC": 20_000_00}, 300)


def add_lead(cli: Cli, user: str, company: str, contact: str = "王磊") -> int:
    result = cli(
        *("--as", user, "--no-input", "lead", "add", "--company", company),
        *("--contact", contact, "--phone", "138 0013 8000", "--email", "wang.lei@yunqi.cn"),
        *("--province", "浙江", "--city", "杭州", "--source", "展会"),
    )
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


@pytest.fixture
def company(isolated_home: Path) -> Path:
    isolated_home.mkdir(exist_ok=True)
    config = isolated_home / "config.toml"
    config.write_text(COMPANY_TOML, encoding="utf-8")
    return config


@pytest.fixture
def quoted(cli: Cli, team: str, company: Path) -> int:
    """li.na's lead with quote Q-2026-0001 v1 (three lines, 3% off the whole quote)."""
    lead_id = add_lead(cli, "li.na", CUSTOMER)
    _products(team)
    make_quote(team, lead_id, ITEMS, discount_bp=300, payment_terms="net-30", status="sent")
    return lead_id


def export(cli: Cli, *args: str, user: str = "li.na") -> Any:
    return cli("--as", user, "quote", "export", *args)


def _pdf_tools_missing() -> str | None:
    from salesflow.documents.fonts import find_cjk_font

    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        return "poppler-utils (pdftotext, pdftoppm) is not installed"
    if find_cjk_font() is None:
        return "no CJK font (apt-get install fonts-noto-cjk)"
    return None


@pytest.fixture
def pdf_tools() -> None:
    missing = _pdf_tools_missing()
    if missing is None:
        return
    if IN_CI:
        pytest.fail(f"The PDF tests are mandatory in CI: {missing}")
    pytest.skip(f"PDF tests skipped outside CI: {missing}")


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_markdown_has_the_numbers_and_lines_up(cli: Cli, quoted: int, tmp_path: Path) -> None:
    target = tmp_path / "q.md"
    result = export(cli, "Q-2026-0001", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(target)
    body = target.read_text(encoding="utf-8")
    assert f"# {COMPANY}" in body
    assert "报价单 Q-2026-0001 v1" in body
    assert CUSTOMER in body
    assert "王磊" in body
    assert "浙江省杭州市" in body
    assert f"¥{_money(TOTAL)}" in body
    assert capital_yuan(TOTAL, prefix=True) in body
    assert "货到30天付款" in body
    # The product name's Markdown characters are escaped, so they cannot break the table.
    assert "\\<script\\>" in body
    assert "\\| \\*bold\\*" in body
    table = [line for line in body.splitlines() if line.startswith("| ")]
    from salesflow.documents.markdown import width

    line_table = table[:5]  # header, rule, three lines
    assert len({width(line) for line in line_table}) == 1, line_table
    assert line_table[1].endswith("---: |")


def _money(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}"


def test_html_is_escaped_and_self_contained(cli: Cli, quoted: int, tmp_path: Path) -> None:
    target = tmp_path / "q.html"
    result = export(cli, "q-2026-1", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert COMPANY in page
    assert CUSTOMER in page
    assert f"¥{_money(TOTAL)}" in page
    assert capital_yuan(TOTAL, prefix=True) in page
    assert "<style>" in page
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)  # no external files
    assert '<html lang="zh-CN">' in page


def test_pdf_shows_chinese_and_is_not_blank(
    cli: Cli, quoted: int, tmp_path: Path, pdf_tools: None
) -> None:
    target = tmp_path / "报价单.pdf"
    result = export(cli, "Q-2026-0001", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    content = pdf_text(target)
    flat = re.sub(r"\s+", "", content)
    assert COMPANY in flat
    assert CUSTOMER in flat
    assert f"¥{_money(TOTAL)}" in flat
    assert capital_yuan(TOTAL, prefix=True) in flat
    assert "第1页，共1页" in flat
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(target), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    from PIL import Image

    with Image.open(pages[0]) as image:
        gray = image.convert("L")
        histogram = gray.histogram()
    ink = sum(histogram[:128])  # dark pixels
    paper = sum(histogram[200:])
    assert paper > ink > 1000  # white paper with plenty of dark ink on it


def test_long_pdf_breaks_pages_with_footer(
    cli: Cli, team: str, company: Path, tmp_path: Path, pdf_tools: None
) -> None:
    lead_id = add_lead(cli, "li.na", CUSTOMER)
    items = [Item(f"SF-{n:03d}", 1000 + n, None, 0) for n in range(1, 51)]
    make_quote(team, lead_id, items, status="approved")
    target = tmp_path / "long.pdf"
    result = export(cli, "Q-2026-0001", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    flat = re.sub(r"\s+", "", pdf_text(target))
    assert "第1页，共2页" in flat
    assert "第2页，共2页" in flat
    assert "SF-001" in flat
    assert "SF-050" in flat
    assert flat.count("产品编号") == 2  # the header row repeats on the new page


def test_english_customer_gets_an_english_document(
    cli: Cli, team: str, company: Path, tmp_path: Path
) -> None:
    lead_id = add_lead(cli, "li.na", "Acme Trading Ltd", contact="John Smith")
    make_quote(team, lead_id, [Item("SF-CRM", 1000, None, 0)], status="approved")
    target = tmp_path / "q.md"
    assert export(cli, "Q-2026-0001", "--to", str(target)).exit_code == 0
    body = target.read_text(encoding="utf-8")
    assert "# Hangzhou Shufan Information Technology Co., Ltd." in body
    assert "Quotation Q-2026-0001 v1" in body
    assert "Cash on delivery" in body
    assert "人民币" not in body
    chinese = tmp_path / "zh.md"
    assert export(cli, "Q-2026-0001", "--to", str(chinese), "--lang", "zh").exit_code == 0
    assert "人民币壹拾壹万叁仟元整" in chinese.read_text(encoding="utf-8")


def test_english_pdf(cli: Cli, team: str, company: Path, tmp_path: Path, pdf_tools: None) -> None:
    lead_id = add_lead(cli, "li.na", "Acme Trading Ltd", contact="John Smith")
    make_quote(team, lead_id, [Item("SF-CRM", 1000, None, 0)], status="approved")
    target = tmp_path / "q.pdf"
    assert export(cli, "Q-2026-0001", "--to", str(target)).exit_code == 0
    flat = re.sub(r"\s+", "", pdf_text(target))
    assert "Quotation" in flat
    assert "¥113,000.00" in flat
    assert "Page1of1" in flat


def test_version_option_and_audit(cli: Cli, quoted: int, team: str, tmp_path: Path) -> None:
    make_quote(team, quoted, [Item("SF-SVC", 2000, None, 0)], version=2, status="approved")
    old, new = tmp_path / "v1.md", tmp_path / "v2.md"
    assert export(cli, "Q-2026-0001", "--to", str(old), "--version", "1").exit_code == 0
    assert export(cli, "Q-2026-0001", "--to", str(new)).exit_code == 0
    assert "v1" in old.read_text(encoding="utf-8")
    assert "SF-CRM" in old.read_text("utf-8")
    assert "Q-2026-0001 v2" in new.read_text(encoding="utf-8")
    engine = create_engine(team)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT e.entity_id, e.summary, u.username FROM audit_events e"
                    " JOIN users u ON u.id = e.actor_id"
                    " WHERE e.action = 'export' AND e.entity = 'quote' ORDER BY e.id"
                )
            ).all()
    finally:
        engine.dispose()
    assert [(row[0], row[2]) for row in rows] == [
        ("Q-2026-0001 v1", "li.na"),
        ("Q-2026-0001 v2", "li.na"),
    ]
    assert str(old) in rows[0][1]
    assert "as md" in rows[0][1]


def test_manager_sees_the_team_quote(cli: Cli, quoted: int, tmp_path: Path) -> None:
    target = tmp_path / "q.md"
    assert export(cli, "Q-2026-0001", "--to", str(target), user="wang.qiang").exit_code == 0
    assert "Q-2026-0001" in target.read_text(encoding="utf-8")


def test_refusals_write_nothing(cli: Cli, quoted: int, team: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "q.pdf"
    cases: list[tuple[list[str], int, str]] = [
        (["Q-2026-0099", "--to", str(target)], 2, "No quote Q-2026-0099"),
        (["Q-2026-0001", "--to", str(target), "--version", "7"], 2, "No quote"),
        (["nonsense", "--to", str(target)], 2, "not a quote number"),
        (["Q-2026-0001", "--to", str(out / "q.docx")], 2, "--to"),
        (["Q-2026-0001", "--to", str(out / "q")], 2, ".pdf"),
        (["Q-2026-0001", "--to", str(out / "none" / "q.md")], 2, "does not exist"),
        (["Q-2026-0001", "--to", str(target), "--lang", "fr"], 2, "--lang"),
    ]
    for args, code, needle in cases:
        assert_refused_unchanged(
            cli, team, ["--as", "li.na", "quote", "export", *args], code, needle
        )
    # Another rep's quote is not found: its existence does not leak.
    assert_refused_unchanged(
        cli,
        team,
        ["--as", "liu.yang", "quote", "export", "Q-2026-0001", "--to", str(target)],
        2,
        "No quote Q-2026-0001",
    )
    assert list(out.iterdir()) == []


def test_existing_file_needs_force(cli: Cli, quoted: int, team: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "q.html"
    target.write_text("mine", encoding="utf-8")
    args = ["--as", "li.na", "quote", "export", "Q-2026-0001", "--to", str(target)]
    assert_refused_unchanged(cli, team, args, 1, "--force")
    assert target.read_text(encoding="utf-8") == "mine"
    result = cli(*args, "--force")
    assert result.exit_code == 0, result.stderr
    assert COMPANY in target.read_text(encoding="utf-8")
    assert list(out.iterdir()) == [target]  # no temporary file left beside it


def test_missing_company_name_is_refused(
    cli: Cli, quoted: int, team: str, company: Path, tmp_path: Path
) -> None:
    company.write_text('company_address = "somewhere"\n', encoding="utf-8")
    target = tmp_path / "q.md"
    args = ["--as", "li.na", "quote", "export", "Q-2026-0001", "--to", str(target)]
    before = snapshot(team)
    result = cli(*args)
    assert result.exit_code == 2
    assert "company_name" in result.stderr
    assert str(company) in result.stderr
    assert not target.exists()
    assert snapshot(team) == before


def test_no_cjk_font_is_refused_with_a_hint(
    cli: Cli, quoted: int, team: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.documents import fonts

    monkeypatch.setattr(fonts, "KNOWN_CJK_FONTS", ())
    monkeypatch.setattr(fonts, "fontconfig_cjk_face", lambda: None)
    target = tmp_path / "q.pdf"
    args = ["--as", "li.na", "quote", "export", "Q-2026-0001", "--to", str(target)]
    assert_refused_unchanged(cli, team, args, 1, "apt-get install fonts-noto-cjk")
    assert not target.exists()
    monkeypatch.setenv("SALESFLOW_PDF_FONT", str(tmp_path / "missing.ttf"))
    assert_refused_unchanged(cli, team, args, 2, "SALESFLOW_PDF_FONT")


def test_pdf_font_setting_is_used(
    cli: Cli, quoted: int, company: Path, tmp_path: Path, pdf_tools: None
) -> None:
    from salesflow.documents.fonts import find_cjk_font

    found = find_cjk_font()
    assert found is not None
    assert found.regular is not None
    setting = f"{found.regular.path}:{found.regular.index}"
    company.write_text(COMPANY_TOML + f'pdf_font = "{setting}"\n', encoding="utf-8")
    shown = {row["setting"]: row for row in json.loads(cli("config", "show", "-f", "json").stdout)}
    assert shown["pdf_font"] == {"setting": "pdf_font", "value": setting, "source": "config-file"}
    assert shown["company_name"]["value"] == COMPANY
    assert shown["company_tax_id"]["source"] == "config-file"
    target = tmp_path / "q.pdf"
    result = export(cli, "Q-2026-0001", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    assert str(found.regular.path) in result.stderr
    assert COMPANY in re.sub(r"\s+", "", pdf_text(target))


def test_config_show_lists_unset_company_settings(cli: Cli) -> None:
    rows = json.loads(cli("config", "show", "-f", "json").stdout)
    shown = {row["setting"]: row for row in rows}
    assert shown["company_name"] == {"setting": "company_name", "value": "", "source": "unset"}
    assert shown["pdf_font"]["source"] == "unset"
    assert "not set" in cli("config", "show").stdout


def test_a_draft_goes_out_only_marked_as_one(
    cli: Cli, quoted: int, team: str, tmp_path: Path
) -> None:
    make_quote(team, quoted, [Item("SF-SVC", 2000, None, 0)], version=2, status="draft")
    target = tmp_path / "draft.md"
    args = ["--as", "li.na", "quote", "export", "Q-2026-0001", "--to", str(target)]
    assert_refused_unchanged(cli, team, args, 1, "only an approved quote")
    assert not target.exists()
    result = cli(*args, "--draft")
    assert result.exit_code == 0, result.stderr
    assert "报价单（草稿，非正式报价）" in target.read_text(encoding="utf-8")
    # An approved (here: sent) version carries no mark.
    sent = tmp_path / "sent.md"
    assert export(cli, "Q-2026-0001", "--version", "1", "--to", str(sent)).exit_code == 0
    assert "草稿" not in sent.read_text(encoding="utf-8")
