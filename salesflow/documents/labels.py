"""The words and number formats of a quote document, in Chinese and English.

A static table for now (documents are in the customer's language, which need not be the
person's at the terminal; a later issue brings gettext catalogs for both). Amounts are
exact: integer fen shown with two decimals and thousands separators, never a float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salesflow.i18n import format_date, speaking
from salesflow.workflow.money import percent_text

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "报价单",
        "draft_mark": "（草稿，非正式报价）",
        "number": "报价单号",
        "version": "版本",
        "date": "报价日期",
        "valid_until": "有效期至",
        "status": "状态",
        "customer": "客户",
        "region": "地区",
        "contact": "联系人",
        "phone": "电话",
        "email": "邮箱",
        "address": "地址",
        "tax_id": "统一社会信用代码",
        "bank_account": "开户行及账号",
        "position": "序号",
        "sku": "产品编号",
        "name": "产品名称",
        "unit": "单位",
        "quantity": "数量",
        "unit_price": "单价",
        "discount": "折扣",
        "tax_rate": "税率",
        "net": "未税金额",
        "tax": "税额",
        "total": "价税合计",
        "subtotal": "折前金额合计",
        "discount_total": "折扣",
        "quote_discount": "整单折扣 {rate}",
        "net_total": "未税合计",
        "tax_total": "税额合计",
        "grand_total": "总计",
        "capitals": "大写金额",
        "payment_terms": "付款条件",
        "delivery_terms": "交货条件",
        "notes": "备注",
        "prepared_by": "报价人",
        "currency_note": "金额单位：人民币元",
        "page": "第 {page} 页，共 {pages} 页",
        "no_lines": "（无明细）",
        "terms": "条款",
    },
    "en": {
        "title": "Quotation",
        "draft_mark": " (DRAFT, not an offer)",
        "number": "Quote no.",
        "version": "Version",
        "date": "Date",
        "valid_until": "Valid until",
        "status": "Status",
        "customer": "Customer",
        "region": "Region",
        "contact": "Contact",
        "phone": "Phone",
        "email": "Email",
        "address": "Address",
        "tax_id": "Tax ID",
        "bank_account": "Bank account",
        "position": "No.",
        "sku": "SKU",
        "name": "Product",
        "unit": "Unit",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "discount": "Disc.",
        "tax_rate": "Tax",
        "net": "Net",
        "tax": "Tax amt",
        "total": "Total",
        "subtotal": "Subtotal before discounts",
        "discount_total": "Discount",
        "quote_discount": "Quote discount {rate}",
        "net_total": "Net total",
        "tax_total": "Tax",
        "grand_total": "Total",
        "capitals": "In words",
        "payment_terms": "Payment terms",
        "delivery_terms": "Delivery terms",
        "notes": "Notes",
        "prepared_by": "Prepared by",
        "currency_note": "Amounts in CNY (yuan)",
        "page": "Page {page} of {pages}",
        "no_lines": "(no lines)",
        "terms": "Terms",
    },
}


def labels(lang: str) -> dict[str, str]:
    return LABELS["zh" if lang == "zh" else "en"]


def day(value: date, lang: str) -> str:
    """A date in the document's language: 2026年11月22日 / 2026-11-22."""
    with speaking("zh" if lang == "zh" else "en"):
        return format_date(value)


def money(fen: int) -> str:
    """1,234.50 (no currency sign: the document states the currency once)."""
    return f"{Decimal(fen) / 100:,.2f}"


def money_signed(fen: int) -> str:
    """A deduction shown as -1,234.50 (0.00 stays unsigned)."""
    return "-" + money(fen) if fen else money(0)


def yuan(fen: int) -> str:
    """¥1,234.50 for the totals."""
    return "¥" + money(fen)


def quantity(milli: int) -> str:
    """Thousandths as people write them: 1000 -> 1, 1500 -> 1.5, 1234 -> 1.234."""
    whole, rest = divmod(milli, 1000)
    if rest == 0:
        return f"{whole:,}"
    return f"{whole:,}." + f"{rest:03d}".rstrip("0")


def percent(bp: int) -> str:
    """Basis points as a percentage: 1300 -> 13%, 1250 -> 12.5%, 5 -> 0.05%."""
    return percent_text(bp)


def discount(bp: int) -> str:
    return percent(bp) if bp else "-"
