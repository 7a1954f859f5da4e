"""The price list (价格表): products with a SKU, name, unit, list price and tax rate.

The price list is the company's (SPEC §2.5: the same region gets the same price), so only
a director or an admin changes it (:data:`EDITS_PRICE_LIST`); everyone reads it. Every
change goes through ORM objects, so it is in the audit trail field by field; an import
also records one event naming its file.

Values, as people type them:

- **SKU**: 1-64 characters without control characters, trimmed. Two SKUs that differ only
  in case, width (full-width ＡＢ-１) or spaces are the same product (:func:`sku_key`).
- **name** (required, at most 200 characters), **unit** (required, at most 20: 套, 台, 年,
  license, user/year), **category** (optional, at most 64).
- **list price**: yuan as :func:`~salesflow.workflow.money.parse_amount` reads them
  (12800, 12,800.00, ¥1.28万); zero is allowed (a free item), negative is not.
- **tax rate**: a percentage, ``13%``, ``13``, ``6%``, ``0%`` or ``9.5%`` (0-100, at most two
  decimals), stored in basis points (1300). A plain number below 1 other than 0
  (``0.13``) is refused as ambiguous: it could mean 13% or 0.13%; write ``13%`` or ``0.13%``.

A changed price never touches an existing quote: a quote line keeps its own snapshot of
the SKU, name, unit, price and tax rate.

Imports (:func:`import_products`) are all or nothing: every row is checked first, and one
bad row (named by its row number and column) or a SKU twice in the file writes nothing. A
SKU already in the price list is refused unless ``update`` is given; then the row's values
replace the product's. An empty cell of an optional column (tax rate, category, active)
means the default for a new product (13%, none, active) and "unchanged" for an existing one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from salesflow.i18n import _, ngettext
from salesflow.store.audit import record_event
from salesflow.store.models import Product, User
from salesflow.store.types import utcnow
from salesflow.workflow.errors import FieldError, InputError, NotFound, PermissionDenied, Refused
from salesflow.workflow.money import format_yuan, parse_amount, percent_text
from salesflow.workflow.roles import role_label

MAX_SKU = 64
MAX_NAME = 200
MAX_UNIT = 20
MAX_CATEGORY = 64
MAX_LIST = 10_000
DEFAULT_TAX_RATE_BP = 1300  # China's standard VAT rate for goods and software
EDITS_PRICE_LIST = frozenset({"director", "admin"})


# --- pure rules -------------------------------------------------------------------------


def sku_key(text: str) -> str:
    """A SKU as compared: NFKC (full width to half width), case folded, without spaces."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(folded.split())


def _clean(raw: str | None, *, field: str, limit: int, what: str) -> str | None:
    """Trimmed NFC text or None when empty; refuses control characters and long text."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFC", raw).strip()
    if not text:
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise FieldError(
            what,
            _("The value contains control characters ({field}).").format(field=field),
        )
    if len(text) > limit:
        raise FieldError(
            what,
            _(
                "The value is {length} characters long; at most {limit} are allowed ({field})."
            ).format(length=len(text), limit=limit, field=field),
        )
    return text


def clean_sku(raw: str | None, *, field: str = "--sku") -> str:
    """The SKU as written (trimmed, full-width forms made half-width: ＨＲ－０１ is stored
    as HR-01, case kept), checked; see the module doc."""
    text = _clean(
        unicodedata.normalize("NFKC", raw) if raw is not None else None,
        field=field,
        limit=MAX_SKU,
        what="sku",
    )
    if text is None:
        raise FieldError("sku", _("The SKU is empty ({field}).").format(field=field))
    if len(sku_key(text)) > MAX_SKU:
        raise FieldError(
            "sku",
            _("The SKU is too long: at most {limit} characters ({field}).").format(
                limit=MAX_SKU, field=field
            ),
        )
    return text


def clean_name(raw: str | None, *, field: str = "--name") -> str:
    text = _clean(raw, field=field, limit=MAX_NAME, what="name")
    if text is None:
        raise FieldError("name", _("The product name is empty ({field}).").format(field=field))
    return text


def clean_unit(raw: str | None, *, field: str = "--unit") -> str:
    text = _clean(raw, field=field, limit=MAX_UNIT, what="unit")
    if text is None:
        raise FieldError(
            "unit",
            _("The unit is empty ({field}).").format(field=field),
            hint=_("Name what one item is: 套, 台, 个, 年, license, user/year."),
        )
    return text


def clean_category(raw: str | None, *, field: str = "--category") -> str | None:
    return _clean(raw, field=field, limit=MAX_CATEGORY, what="category")


def parse_price(raw: str | None, *, field: str = "--price") -> int:
    """A list price in yuan -> fen (zero allowed, negative refused)."""
    if raw is None or not raw.strip():
        raise FieldError("price", _("The list price is empty ({field}).").format(field=field))
    try:
        return parse_amount(raw, field=field)
    except InputError as exc:
        raise FieldError("price", exc.message, hint=exc.hint) from None


def _tax_hint() -> str:
    return _("Write a percentage such as 13%, 6% or 0%.")


def parse_tax_rate(raw: str | None, *, field: str = "--tax-rate") -> int:
    """A tax rate as a percentage (``13%``, ``13``, ``6.5%``) -> basis points (1300)."""
    text = "".join(unicodedata.normalize("NFKC", raw or "").split())
    if not text:
        raise FieldError("tax_rate", _("The tax rate is empty ({field}).").format(field=field))
    percent = text.endswith("%")
    number = text[:-1] if percent else text
    try:
        value = Decimal(number) if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", number) else None
    except InvalidOperation:
        value = None
    if value is None:
        raise FieldError(
            "tax_rate",
            _("'{value}' is not a tax rate ({field}).").format(value=raw, field=field),
            hint=_tax_hint(),
        )
    if not percent and 0 < value < 1:
        raise FieldError(
            "tax_rate",
            _("The tax rate '{value}' is ambiguous ({field}).").format(value=raw, field=field),
            hint=_("Write 13% for thirteen percent (a plain 0.13 could mean 13% or 0.13%)."),
        )
    if value < 0 or value > 100:
        raise FieldError(
            "tax_rate",
            _("The tax rate must be between 0% and 100% ({field}).").format(field=field),
        )
    points = value * 100
    if points != points.to_integral_value():
        raise FieldError(
            "tax_rate",
            _("The tax rate {value} has more than two decimals ({field}).").format(
                value=raw, field=field
            ),
            hint=_tax_hint(),
        )
    return int(points)


def format_tax_rate(bp: int) -> str:
    """1300 -> "13%", 650 -> "6.5%", 0 -> "0%"."""
    return percent_text(bp)


_YES = frozenset({"yes", "y", "true", "1", "active", "是", "启用", "有效", "在售", "on"})
_NO = frozenset({"no", "n", "false", "0", "inactive", "否", "停用", "无效", "停售", "off"})


def parse_active(raw: str | None, *, field: str = "active") -> bool | None:
    """yes/no, true/false, 1/0, 是/否, 启用/停用 -> bool; an empty cell -> None."""
    text = unicodedata.normalize("NFKC", raw or "").strip().casefold()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FieldError(
        "active",
        _("'{value}' is not yes or no ({field}).").format(value=raw, field=field),
        hint=_("Write yes or no (是/否, 启用/停用)."),
    )


# --- who may change it ------------------------------------------------------------------


def may_edit_price_list(actor: User) -> bool:
    return actor.role in EDITS_PRICE_LIST


def check_may_edit_price_list(actor: User) -> None:
    if not may_edit_price_list(actor):
        raise PermissionDenied(
            _("Only a director or an admin may change the price list; you are {role}.").format(
                role=role_label(actor.role)
            ),
            hint=_("Ask your sales director to change it."),
        )


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    """A product as lists show it; prices in fen, the tax rate in basis points."""

    id: int
    sku: str
    name: str
    unit: str
    list_price_fen: int
    tax_rate_bp: int
    category: str | None
    active: bool
    created_at: Any = None
    updated_at: Any = None

    @classmethod
    def of(cls, product: Product) -> ProductRow:
        assert product.id is not None
        return cls(
            id=product.id,
            sku=product.sku,
            name=product.name,
            unit=product.unit,
            list_price_fen=product.list_price_fen,
            tax_rate_bp=product.tax_rate_bp,
            category=product.category,
            active=product.active,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


def _unknown(sku: str, field: str) -> NotFound:
    return NotFound(
        _("Unknown SKU '{sku}' ({field}).").format(sku=sku.strip(), field=field),
        hint=_("'salesflow product list --search {text}' finds products.").format(
            text=sku.strip() or "TEXT"
        ),
    )


def get_product(session: Session, sku: str, *, field: str = "SKU") -> Product:
    """The product of ``sku`` (active or not); an unknown SKU is a NotFound naming ``field``."""
    key = sku_key(sku)
    # No SKU has a NUL, and PostgreSQL refuses one in a query.
    product = (
        session.exec(select(Product).where(col(Product.sku_key) == key)).first()
        if key and "\0" not in key
        else None
    )
    if product is None:
        raise _unknown(sku, field)
    return product


def find_product(session: Session, sku: str, *, field: str = "SKU") -> Product:
    """The active product of ``sku``, for quoting; unknown or inactive SKUs are refused."""
    product = get_product(session, sku, field=field)
    if not product.active:
        raise InputError(
            _("The product {sku} ({name}) is inactive and cannot be quoted ({field}).").format(
                sku=product.sku, name=product.name, field=field
            ),
            hint=_(
                "A director or an admin reactivates it: salesflow product edit {sku} --active."
            ).format(sku=product.sku),
        )
    return product


def _like(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def list_products(
    session: Session,
    *,
    search: str | None = None,
    category: str | None = None,
    active_only: bool = True,
    limit: int = 50,
) -> tuple[list[Product], bool]:
    """Products ordered by SKU, filtered in SQL; returns them and whether more match."""
    if not 1 <= limit <= MAX_LIST:
        raise InputError(
            _("The limit must be between 1 and {most} (--limit).").format(most=MAX_LIST)
        )
    statement = select(Product)
    if active_only:
        statement = statement.where(col(Product.active).is_(True))
    text = _like(search or "")
    if text:
        key = sku_key(text)
        clauses = [func.lower(col(Product.name)).contains(text.lower(), autoescape=True)]
        if key:
            clauses.append(col(Product.sku_key).contains(key, autoescape=True))
        statement = statement.where(or_(*clauses))
    wanted = _like(category or "")
    if wanted:
        statement = statement.where(func.lower(col(Product.category)) == wanted.lower())
    statement = statement.order_by(col(Product.sku_key)).limit(limit + 1)
    found = list(session.exec(statement).all())
    return found[:limit], len(found) > limit


def search_products(
    session: Session, text: str | None, *, active_only: bool = True, limit: int = 50
) -> list[Product]:
    """Products whose SKU or name contains ``text`` (any case), ordered by SKU."""
    found, _more = list_products(session, search=text, active_only=active_only, limit=limit)
    return found


# --- writing ----------------------------------------------------------------------------


def _check_new_sku(session: Session, sku: str, *, field: str) -> None:
    existing = session.exec(select(Product).where(col(Product.sku_key) == sku_key(sku))).first()
    if existing is not None:
        raise Refused(
            _(
                "The SKU {sku} is already in the price list as {existing} ({name}) ({field})."
            ).format(sku=sku, existing=existing.sku, name=existing.name, field=field),
            hint=_("'salesflow product edit {sku}' changes it.").format(sku=existing.sku),
        )


def add_product(
    session: Session,
    actor: User,
    *,
    sku: str | None,
    name: str | None,
    unit: str | None,
    price: str | None,
    tax_rate: str | None = None,
    category: str | None = None,
) -> Product:
    """Add one product to the price list (directors and admins); returns it with its id."""
    check_may_edit_price_list(actor)
    code = clean_sku(sku)
    product = Product(
        sku=code,
        sku_key=sku_key(code),
        name=clean_name(name),
        unit=clean_unit(unit),
        list_price_fen=parse_price(price),
        tax_rate_bp=DEFAULT_TAX_RATE_BP if tax_rate is None else parse_tax_rate(tax_rate),
        category=clean_category(category),
        active=True,
    )
    _check_new_sku(session, code, field="--sku")
    now = utcnow()
    product.created_at = now
    product.updated_at = now
    session.add(product)
    session.flush()
    return product


@dataclass(frozen=True)
class EditResult:
    product: Product
    changed: list[str]  # field names: name, unit, list_price, tax_rate, category, active


def _apply(product: Product, values: dict[str, Any]) -> list[str]:
    """Set the given attributes that differ; returns the names of those that changed."""
    changed = []
    for attribute, value in values.items():
        if getattr(product, attribute) != value:
            setattr(product, attribute, value)
            changed.append(attribute)
    return changed


def edit_product(
    session: Session,
    actor: User,
    sku: str,
    *,
    name: str | None = None,
    unit: str | None = None,
    price: str | None = None,
    tax_rate: str | None = None,
    category: str | None = None,
    active: bool | None = None,
) -> EditResult:
    """Change a product (directors and admins). ``None`` leaves a value as it is; an empty
    ``category`` clears it. Existing quotes keep their own snapshot of the old values."""
    check_may_edit_price_list(actor)
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = clean_name(name)
    if unit is not None:
        values["unit"] = clean_unit(unit)
    if price is not None:
        values["list_price_fen"] = parse_price(price)
    if tax_rate is not None:
        values["tax_rate_bp"] = parse_tax_rate(tax_rate)
    if category is not None:
        values["category"] = clean_category(category)
    if active is not None:
        values["active"] = active
    product = get_product(session, sku)
    changed = _apply(product, values)
    if changed:
        product.updated_at = utcnow()
        session.add(product)
        session.flush()
    return EditResult(product=product, changed=changed)


def describe_product(product: Product) -> str:
    """``ERP-STD 企业ERP标准版 ¥128,000.00/套`` for messages."""
    return f"{product.sku} {product.name} {format_yuan(product.list_price_fen)}/{product.unit}"


# --- files ------------------------------------------------------------------------------

PRODUCT_FIELDS = ("sku", "name", "unit", "price", "tax_rate", "category", "active")
REQUIRED_COLUMNS = ("sku", "name", "unit", "price")
# Header names people use, by field (matched like lead headers: any case, width, spaces).
PRODUCT_HEADERS: dict[str, tuple[str, ...]] = {
    "sku": (
        "sku",
        "item code",
        "product code",
        "part number",
        "编码",
        "货号",
        "产品编码",
        "物料编码",
    ),
    "name": ("name", "product", "product name", "item", "名称", "产品名称", "品名", "商品名称"),
    "unit": ("unit", "uom", "单位", "计量单位"),
    "price": (
        "price",
        "list price",
        "list_price",
        "unit price",
        "单价",
        "价格",
        "标准价",
        "目录价",
        "含税单价",
    ),
    "tax_rate": ("tax rate", "tax", "vat", "vat rate", "税率"),
    "category": ("category", "type", "类别", "分类", "产品类别"),
    "active": ("active", "enabled", "status", "启用", "状态", "是否启用"),
}


def _known_headers() -> dict[str, str]:
    from salesflow.workflow.lead_files import header_key

    known: dict[str, str] = {}
    for name, variants in PRODUCT_HEADERS.items():
        known.setdefault(header_key(name), name)
        for variant in variants:
            known.setdefault(header_key(variant), name)
    return known


@dataclass
class PriceFile:
    """A price list file: its name, header, which column is which field, and its rows."""

    name: str
    headers: list[str]
    columns: dict[str, int]
    ignored: list[str]
    rows: list[tuple[int, tuple[str | None, ...]]] = field(default_factory=list)

    def label(self, name: str) -> str:
        return _("column {name}").format(name=self.headers[self.columns[name]])

    def values(self, cells: Sequence[str | None]) -> dict[str, str | None]:
        return {
            name: cells[index] if index < len(cells) else None
            for name, index in self.columns.items()
        }


def price_file_from_rows(
    name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, first_row: int = 2
) -> PriceFile:
    """A price file from rows in memory, numbered as a spreadsheet shows them."""
    from salesflow.workflow.lead_files import cell_text, header_key

    known = _known_headers()
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        field_name = known.get(header_key(header))
        if field_name is None or field_name in columns:
            if header.strip():
                ignored.append(header.strip())
            continue
        columns[field_name] = index
    missing = [f for f in REQUIRED_COLUMNS if f not in columns]
    if missing:
        raise InputError(
            _("The header of {file} has no {names} column: {headers}.").format(
                file=name,
                names=", ".join(missing),
                headers=", ".join(h for h in headers if h.strip()) or "-",
            ),
            hint=_("Name the columns SKU, name, unit, price (or 编码, 名称, 单位, 单价)."),
        )
    numbered = []
    for number, row in enumerate(rows, start=first_row):
        cells = tuple(cell_text(value) for value in row)
        if any(c is not None and c.strip() for c in cells):
            numbered.append((number, cells))
    return PriceFile(name, [h.strip() for h in headers], columns, ignored, numbered)


def _raw_rows(path: Path) -> Iterator[list[Any]]:
    if path.suffix.lower() == ".xlsx":
        from zipfile import BadZipFile

        from openpyxl import load_workbook  # type: ignore[import-untyped]

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InputError(
                _("The file {file} cannot be read as an Excel workbook (.xlsx).").format(
                    file=path.name
                ),
                hint=_("Open it in Excel or WPS and save it again as .xlsx or CSV UTF-8."),
            ) from exc
        try:
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(values)
        finally:
            workbook.close()
        return
    import csv
    import io

    from salesflow.workflow.lead_files import csv_delimiter, csv_encoding

    data = path.read_bytes()
    text = data.decode(csv_encoding(data, path.name))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(first_line))
    except csv.Error as exc:
        raise InputError(
            _("The file {file} is not a readable CSV file: {reason}.").format(
                file=path.name, reason=exc
            )
        ) from exc


def read_price_file(path: Path | str) -> PriceFile:
    """Read a price list from a .csv (UTF-8 or GB18030) or .xlsx file (its first sheet)."""
    file = Path(path)
    if file.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(
            _("Cannot import {file}: salesflow reads .csv and .xlsx files.").format(file=file.name)
        )
    if not file.is_file():
        raise InputError(_("There is no file {path}.").format(path=file))
    rows = list(_raw_rows(file))
    for index, row in enumerate(rows):
        headers = ["" if v is None else str(v).lstrip("\ufeff") for v in row]
        if any(h.strip() for h in headers):
            return price_file_from_rows(file.name, headers, rows[index + 1 :], first_row=index + 2)
    raise InputError(_("The file {file} is empty: it has no header row.").format(file=file.name))


@dataclass(frozen=True)
class PriceRow:
    """One checked row; ``None`` for an optional value the row leaves empty."""

    number: int
    sku: str
    name: str
    unit: str
    list_price_fen: int
    tax_rate_bp: int | None
    category: str | None
    active: bool | None


def _check_row(file: PriceFile, number: int, cells: Sequence[str | None]) -> PriceRow:
    values = file.values(cells)

    def where(name: str) -> str:
        return file.label(name)

    def optional(name: str) -> str | None:
        text = values.get(name)
        return text if text is not None and text.strip() else None

    tax = optional("tax_rate")
    return PriceRow(
        number=number,
        sku=clean_sku(values["sku"], field=where("sku")),
        name=clean_name(values["name"], field=where("name")),
        unit=clean_unit(values["unit"], field=where("unit")),
        list_price_fen=parse_price(values["price"], field=where("price")),
        tax_rate_bp=None if tax is None else parse_tax_rate(tax, field=where("tax_rate")),
        category=clean_category(optional("category"), field=where("category"))
        if "category" in file.columns
        else None,
        active=parse_active(optional("active"), field=where("active"))
        if "active" in file.columns
        else None,
    )


def check_price_rows(file: PriceFile) -> list[PriceRow]:
    """Every row checked; the first problem (and how many rows have one) is an InputError."""
    checked: list[PriceRow] = []
    problems: list[tuple[int, InputError]] = []
    first_seen: dict[str, int] = {}
    for number, cells in file.rows:
        try:
            row = _check_row(file, number, cells)
        except InputError as exc:
            problems.append((number, exc))
            continue
        key = sku_key(row.sku)
        if key in first_seen:
            problems.append(
                (
                    number,
                    InputError(
                        _("the SKU {sku} is also on row {first} ({column})").format(
                            sku=row.sku, first=first_seen[key], column=file.label("sku")
                        ),
                        hint=_("Each SKU may occur once in a file."),
                    ),
                )
            )
            continue
        first_seen[key] = number
        checked.append(row)
    if problems:
        number, first = problems[0]
        message = _("{file}, row {row}: {problem}").format(
            file=file.name, row=number, problem=first.message.rstrip(".")
        )
        if len(problems) > 1:
            message += " " + ngettext(
                "(and {count} more row with a problem).",
                "(and {count} more rows with problems).",
                len(problems) - 1,
            ).format(count=len(problems) - 1)
        else:
            message += "."
        raise InputError(
            message,
            hint=(first.hint + " " if first.hint else "")
            + _("Nothing was imported; fix the file and import it again."),
        )
    return checked


@dataclass(frozen=True)
class ImportResult:
    file: str
    added: int
    updated: int
    unchanged: int
    dry_run: bool
    ignored: list[str]


def _new_product(row: PriceRow) -> Product:
    now = utcnow()
    return Product(
        sku=row.sku,
        sku_key=sku_key(row.sku),
        name=row.name,
        unit=row.unit,
        list_price_fen=row.list_price_fen,
        tax_rate_bp=DEFAULT_TAX_RATE_BP if row.tax_rate_bp is None else row.tax_rate_bp,
        category=row.category,
        active=True if row.active is None else row.active,
        created_at=now,
        updated_at=now,
    )


def import_products(
    session: Session,
    actor: User,
    file: PriceFile,
    *,
    update: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Add (and with ``update`` change) the products of ``file``: all rows or none."""
    check_may_edit_price_list(actor)
    rows = check_price_rows(file)
    keys = [sku_key(row.sku) for row in rows]
    existing: dict[str, Product] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for found in session.exec(select(Product).where(col(Product.sku_key).in_(chunk))):
            existing[found.sku_key] = found
    if existing and not update:
        row = next(r for r, k in zip(rows, keys, strict=True) if k in existing)
        listed = existing[sku_key(row.sku)]
        raise Refused(
            _("{file}, row {row}: the SKU {sku} is already in the price list ({name}).").format(
                file=file.name, row=row.number, sku=row.sku, name=listed.name
            ),
            hint=_("Import with --update to change the products already listed."),
        )
    added = updated = unchanged = 0
    for row, key in zip(rows, keys, strict=True):
        product = existing.get(key)
        if product is None:
            added += 1
            if not dry_run:
                session.add(_new_product(row))
            continue
        values: dict[str, Any] = {
            "name": row.name,
            "unit": row.unit,
            "list_price_fen": row.list_price_fen,
        }
        if row.tax_rate_bp is not None:
            values["tax_rate_bp"] = row.tax_rate_bp
        if row.category is not None:
            values["category"] = row.category
        if row.active is not None:
            values["active"] = row.active
        if dry_run:
            differs = any(getattr(product, k) != v for k, v in values.items())
        else:
            differs = bool(_apply(product, values))
            if differs:
                product.updated_at = utcnow()
                session.add(product)
        if differs:
            updated += 1
        else:
            unchanged += 1
    if not dry_run:
        session.flush()
        if added or updated:
            record_event(
                session,
                action="import",
                entity="products",
                entity_id=file.name[:64],
                summary=f"{file.name}: {added} products added, {updated} updated",
            )
            session.flush()
    return ImportResult(
        file=file.name,
        added=added,
        updated=updated,
        unchanged=unchanged,
        dry_run=dry_run,
        ignored=list(file.ignored),
    )
