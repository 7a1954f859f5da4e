"""Reading a file of leads (.csv or .xlsx) into rows of raw text, by column meaning.

A CSV file may be UTF-8 (with or without the byte-order mark Excel writes) or GB18030 (what
Chinese Excel and WPS save by default; it includes GBK and GB2312). A file that decodes as
neither is refused, naming the first row that does not decode. An .xlsx workbook is read
from its first sheet; its typed cells become the text a person would type: a date becomes
2026-03-01, the number 13800138000.0 becomes 13800138000.

The header is the first non-empty row. Each column is matched to a lead field by its name:
the field's own name (``company``, ``founded_year``), an English header (``Company``,
``Mobile``, ``E-mail``) or a Chinese one (公司名称, 手机, 负责人); ``--map`` names the field of
any column itself. When two columns claim one field, ``--map`` wins, then the field's own
name, then the first other name; the rest, and columns that mean nothing to salesflow, are
listed as ignored. A cell an export escaped with a leading apostrophe ('=...) reads back
without it. An export's own ``lead_id`` column is not imported, but kept as the row's
identity (:meth:`LeadTable.identity`) to tell two deals of one customer apart. A workbook
cell holding a formula without a saved computed value is marked
(:attr:`SourceRow.formula_columns`) so the import reports it instead of reading it as empty.

Rows are numbered as a spreadsheet shows them (the header is row 1), so a problem "on row
7" is found on row 7 of the file. A row with more or fewer cells than the header is ragged:
it is kept as an invalid row (extra cells that are empty, as trailing commas leave, do not
count; in a workbook, missing cells at the end of a row are empty cells).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from salesflow.i18n import _, ngettext
from salesflow.workflow.errors import InputError
from salesflow.workflow.lead_input import LEAD_FIELDS

SUFFIXES = (".csv", ".xlsx")
# A leading apostrophe before one of these marks a cell that an export escaped (see
# salesflow.workflow.exports); reading it back removes the apostrophe again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
IGNORE = frozenset({"-", "ignore", "skip"})

# Header names people use, by field: English variants and Chinese headers. Matching ignores
# case, width, spaces, '_', '-', '*' and a trailing "(元)" unit.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "company": (
        "company name",
        "customer",
        "customer name",
        "account",
        "account name",
        "organization",
        "organisation",
        "公司",
        "公司名称",
        "客户名称",
        "单位名称",
        "企业名称",
        "客户",
    ),
    "contact": (
        "contact name",
        "contact person",
        "full name",
        "联系人",
        "姓名",
        "联系人姓名",
    ),
    "title": ("job title", "position", "职务", "职位"),
    "phone": (
        "mobile",
        "mobile phone",
        "cell",
        "cell phone",
        "telephone",
        "tel",
        "phone number",
        "手机",
        "手机号",
        "手机号码",
        "电话",
        "联系电话",
        "电话号码",
    ),
    "email": ("e-mail", "email address", "mail", "邮箱", "电子邮件", "电子邮箱", "邮件"),
    "wechat": ("wechat id", "weixin", "微信", "微信号"),
    "province": ("state", "state/province", "省", "省份", "所在省份"),
    "city": ("市", "城市", "所在城市"),
    "county": ("district", "区县", "县区", "区/县"),
    "industry": ("行业", "所属行业"),
    "employees": (
        "no. of employees",
        "number of employees",
        "headcount",
        "员工数",
        "人数",
        "员工人数",
    ),
    "founded_year": ("founded", "year founded", "established", "成立年份"),
    "source": ("lead source", "channel", "来源", "渠道", "线索来源", "客户来源"),
    "referrer": ("referred by", "推荐人", "介绍人"),
    "need": ("needs", "requirement", "requirements", "需求", "需求描述"),
    "amount": (
        "expected amount",
        "estimated amount",
        "deal size",
        "opportunity amount",
        "预计金额",
        "金额",
    ),
    "notes": ("note", "remarks", "comments", "comment", "description", "备注"),
    "owner": (
        "lead owner",
        "account owner",
        "sales rep",
        "salesperson",
        "assigned to",
        "负责人",
        "销售",
        "归属人",
    ),
    "stage": (
        "status",
        "lead status",
        "sales stage",
        "pipeline stage",
        "阶段",
        "销售阶段",
        "商机阶段",
    ),
    "created_at": (
        "created",
        "created date",
        "create date",
        "date created",
        "created time",
        "创建时间",
        "创建日期",
    ),
    "closed_at": (
        "closed",
        "close date",
        "closed date",
        "date closed",
        "won date",
        "关闭时间",
        "关闭日期",
        "成交日期",
        "成交时间",
    ),
    "lost_reason": (
        "loss reason",
        "reason lost",
        "丢单原因",
        "输单原因",
        "流失原因",
    ),
    "competitor": ("competitors", "竞争对手"),
    "external_ref": (
        "id",
        "external id",
        "record id",
        "lead id",
        "crm id",
        "ref",
        "编号",
        "外部编号",
        "线索编号",
    ),
    "expected_close": (
        "expected close date",
        "expected close",
        "预计成交日期",
        "预计成交时间",
    ),
}


def header_key(text: str) -> str:
    """A header as compared: NFKC, lower case, without spaces, '_', '-', '*' and "(元)"."""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    plain = re.sub(r"\((?:元|yuan|rmb|cny)\)$", "", plain)
    return re.sub(r"[\s_\-*:]+", "", plain)


def _known_headers() -> dict[str, str]:
    known = {header_key(name): name for name in LEAD_FIELDS}
    for name, variants in HEADER_NAMES.items():
        for variant in variants:
            known.setdefault(header_key(variant), name)
    return known


KNOWN_HEADERS = _known_headers()


@dataclass(frozen=True)
class SourceRow:
    """One data row: its number as a spreadsheet shows it, and its cells as text."""

    number: int
    cells: tuple[str | None, ...]
    # Why the row cannot be read as a lead at all (a ragged row), else None.
    problem: str | None = None
    # Columns (indexes) of workbook cells holding a formula without a computed value: read
    # as empty, but reported as invalid rather than imported empty.
    formula_columns: tuple[int, ...] = ()


@dataclass
class LeadTable:
    """A file of leads: its header, which column is which field, and its rows (read lazily)."""

    name: str
    headers: list[str]
    columns: dict[str, int]  # field -> column index
    ignored: list[str]
    rows: Iterable[SourceRow]
    estimated_rows: int = 0
    encoding: str | None = None
    # The lead_id column of a salesflow export (not imported): tells two deals of one
    # customer apart when the file has no external_ref of its own.
    identity_column: int | None = None
    _close: Callable[[], None] | None = field(default=None, repr=False)
    _labels: dict[str, str] = field(default_factory=dict, repr=False)

    def label(self, name: str) -> str:
        """How messages name a field: the file's column header (computed once per field)."""
        known = self._labels.get(name)
        if known is None:
            index = self.columns.get(name)
            header = self.headers[index] if index is not None else name
            known = self._labels[name] = _("column {name}").format(name=header)
        return known

    def column_of(self, name: str) -> str | None:
        index = self.columns.get(name)
        return self.headers[index] if index is not None else None

    def values(self, row: SourceRow) -> dict[str, str | None]:
        """The row's raw text by field name (fields without a column are left out)."""
        cells = row.cells
        return {
            name: cells[index] if index < len(cells) else None
            for name, index in self.columns.items()
        }

    def field_of(self, index: int) -> str | None:
        """The field a column (by index) is imported as, or None when it is ignored."""
        return next((name for name, i in self.columns.items() if i == index), None)

    def identity(self, row: SourceRow) -> str | None:
        """The row's lead_id cell of a salesflow export, as ``salesflow:ID``, else None."""
        index = self.identity_column
        if index is None or index >= len(row.cells):
            return None
        value = (row.cells[index] or "").strip()
        return f"salesflow:{value}" if value else None

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> LeadTable:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def parse_map(spec: str | None) -> dict[str, str]:
    """``--map "公司名称=company,手机=phone"`` -> {header key: field}; ``-`` ignores a column."""
    if spec is None or not spec.strip():
        return {}
    mapping: dict[str, str] = {}
    for part in re.split(r"[,，]", spec):
        if not part.strip():
            continue
        header, sep, target = part.partition("=")
        name = target.strip().lower().replace("-", "_") if target.strip() not in IGNORE else "-"
        if not sep or not header.strip() or not target.strip():
            raise InputError(
                _("'{part}' in --map is not COLUMN=FIELD.").format(part=part.strip()),
                hint=_('For example --map "公司名称=company,手机=phone".'),
            )
        if name != "-" and name not in LEAD_FIELDS:
            raise InputError(
                _("'{name}' in --map is not a lead field.").format(name=target.strip()),
                hint=_("Fields: {fields}; '-' ignores a column.").format(
                    fields=", ".join(LEAD_FIELDS)
                ),
            )
        mapping[header_key(header)] = name
    return mapping


def match_columns(
    headers: Sequence[str], mapping: dict[str, str], *, file_name: str
) -> tuple[dict[str, int], list[str]]:
    """Which column is which field; the headers that are ignored."""
    keys = [header_key(h) for h in headers]
    unknown = [h for h in mapping if h not in keys]
    if unknown:
        raise InputError(
            _("--map names a column the file {file} does not have: {names}.").format(
                file=file_name, names=", ".join(unknown)
            ),
            hint=_("Its columns are: {headers}.").format(headers=", ".join(headers)),
        )
    # --map first, then a field's own name (company, external_ref), then the other names
    # people use: an export's lead_id never takes external_ref from its own column.
    chosen: dict[int, str] = {}
    canonical = {header_key(name): name for name in LEAD_FIELDS}
    for ranks in (mapping, canonical, KNOWN_HEADERS):
        for index, key in enumerate(keys):
            name = ranks.get(key) if key else None
            if index in chosen or name is None:
                continue
            if name == "-" or name not in chosen.values():
                chosen[index] = name
    columns = {name: index for index, name in sorted(chosen.items()) if name != "-"}
    ignored = [h.strip() for i, h in enumerate(headers) if h.strip() and i not in columns.values()]
    if "company" not in columns:
        raise InputError(
            _("The header of {file} names no company column: {headers}.").format(
                file=file_name, headers=", ".join(h for h in headers if h.strip()) or "-"
            ),
            hint=_('Name it company, Company or 公司名称, or map it: --map "客户全称=company".'),
        )
    return columns, ignored


def identity_column(headers: Sequence[str], columns: dict[str, int]) -> int | None:
    """The index of an export's ``lead_id`` column when no field took it, else None."""
    for index, header in enumerate(headers):
        if header_key(header) == "leadid" and index not in columns.values():
            return index
    return None


def _unescape(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


RawRow = tuple[int, Sequence[str | None], tuple[int, ...]]


def _shape_rows(raw_rows: Iterator[RawRow], width: int, *, pad_short: bool) -> Iterator[SourceRow]:
    for number, raw, formulas in raw_rows:
        cells = [_unescape(c) if c else None for c in raw]
        if not any(c is not None and c.strip() for c in cells):
            continue  # a blank row
        while len(cells) > width and (cells[-1] is None or not cells[-1].strip()):
            cells.pop()
        problem = None
        if len(cells) < width and pad_short:
            cells += [None] * (width - len(cells))
        if len(cells) != width:
            problem = ngettext(
                "a ragged row: {cells} cell where the header has {columns}",
                "a ragged row: {cells} cells where the header has {columns}",
                len(cells),
            ).format(cells=len(cells), columns=width)
        yield SourceRow(number, tuple(cells), problem, formulas)


_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


def csv_encoding(data: bytes, name: str) -> str:
    """The encoding a CSV file is in (utf-8-sig or gb18030), checked over the whole file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            _("The file {file} is UTF-16; salesflow reads UTF-8 or GB18030.").format(file=name),
            hint=_("Save it from Excel as 'CSV UTF-8 (comma delimited)'."),
        )
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        row = _row_at(data[: exc.start].decode("gb18030", errors="replace"))
        raise InputError(
            _(
                "The file {file} is neither UTF-8 nor GB18030: byte 0x{byte:02X} on row {row} "
                "cannot be decoded."
            ).format(file=name, byte=data[exc.start], row=row),
            hint=_("Save it as 'CSV UTF-8' (or GB18030) and import it again."),
        ) from exc
    # GB18030 decodes nearly anything; private-use characters betray a file in yet another
    # encoding (Latin-1, Shift-JIS, ...).
    odd = _PRIVATE_USE.search(text)
    if odd is not None:
        row = _row_at(text[: odd.start()])
        raise InputError(
            _(
                "The file {file} is neither UTF-8 nor GB18030: row {row} has characters "
                "that do not decode."
            ).format(file=name, row=row),
            hint=_("Save it as 'CSV UTF-8' (or GB18030) and import it again."),
        )
    return "gb18030"


def _row_at(before: str) -> int:
    """The spreadsheet row of the character after ``before``, counted as the CSV reader
    counts rows: a line break inside a quoted cell does not start a row, and a lone
    carriage return (as old Mac Excel saves) does."""
    import csv
    import io

    reader = csv.reader(io.StringIO(before + "x", newline=""), strict=False)
    return sum(1 for _row in reader)


def csv_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, mapping: dict[str, str]) -> LeadTable:
    import csv

    data = path.read_bytes()
    encoding = csv_encoding(data, path.name)
    lines = data.count(b"\n")
    del data
    # Read again as a stream, so a large file is never held in memory as one string.
    handle = path.open(encoding=encoding, newline="")
    try:
        first_line = next((line for line in handle if line.strip()), "")
        handle.seek(0)
        reader = csv.reader(handle, delimiter=csv_delimiter(first_line), strict=False)
        numbered: Iterator[RawRow] = (
            (number, row, ()) for number, row in enumerate(reader, start=1)
        )
        header_row, headers = _first_non_empty(numbered)
        columns, ignored = match_columns(headers, mapping, file_name=path.name)
    except csv.Error as exc:
        handle.close()
        raise _csv_problem(path.name, exc) from exc
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[SourceRow]:
        try:
            yield from _shape_rows(numbered, len(headers), pad_short=False)
        except csv.Error as exc:
            raise _csv_problem(path.name, exc) from exc
        finally:
            handle.close()

    return LeadTable(
        name=path.name,
        headers=[h.strip() for h in headers],
        columns=columns,
        ignored=ignored,
        rows=rows(),
        estimated_rows=max(lines - header_row, 0) + 1,
        encoding="utf-8" if encoding == "utf-8-sig" else encoding,
        identity_column=identity_column(headers, columns),
        _close=handle.close,
    )


def _csv_problem(name: str, exc: Exception) -> InputError:
    return InputError(
        _("The file {file} is not a readable CSV file: {reason}.").format(file=name, reason=exc)
    )


def _first_non_empty(numbered: Iterator[RawRow]) -> tuple[int, list[str]]:
    for number, row, _formulas in numbered:
        cells = ["" if c is None else str(c) for c in row]
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            return number, [c.lstrip("\ufeff").strip() for c in cells]
    raise InputError(_("The file is empty: it has no header row."))


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as the text a person would type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _read_xlsx(path: Path, mapping: dict[str, str]) -> LeadTable:
    from zipfile import BadZipFile

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        # Read a second time for the formulas themselves: a formula cell whose computed
        # value was never saved (a file written by a program, not Excel) reads as empty.
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            _("The file {file} cannot be read as an Excel workbook (.xlsx).").format(
                file=path.name
            ),
            hint=_("Open it in Excel or WPS and save it again as .xlsx or CSV UTF-8."),
        ) from exc

    def close() -> None:
        workbook.close()
        formulas.close()

    try:
        sheet = workbook.worksheets[0]
        pairs = zip(
            sheet.iter_rows(values_only=True),
            formulas.worksheets[0].iter_rows(values_only=True),
            strict=False,
        )
        numbered: Iterator[RawRow] = (
            (number, [cell_text(v) for v in values], _uncomputed(values, written))
            for number, (values, written) in enumerate(pairs, start=1)
        )
        header_row, headers = _first_non_empty(numbered)
        columns, ignored = match_columns(headers, mapping, file_name=path.name)
        estimate = max((sheet.max_row or 0) - header_row, 0)
    except BaseException:
        close()
        raise

    def rows() -> Iterator[SourceRow]:
        try:
            yield from _shape_rows(numbered, len(headers), pad_short=True)
        finally:
            close()

    return LeadTable(
        name=path.name,
        headers=headers,
        columns=columns,
        ignored=ignored,
        rows=rows(),
        estimated_rows=estimate,
        identity_column=identity_column(headers, columns),
        _close=close,
    )


def _uncomputed(values: Sequence[Any], written: Sequence[Any]) -> tuple[int, ...]:
    """Indexes of the cells that hold a formula but no computed value."""
    return tuple(
        index
        for index, (value, formula) in enumerate(zip(values, written, strict=False))
        if value is None
        and formula is not None
        and (not isinstance(formula, str) or formula.startswith("="))
    )


def open_lead_file(path: Path | str, *, mapping: str | None = None) -> LeadTable:
    """Open a .csv or .xlsx file of leads; use it in a ``with`` block."""
    file = Path(path)
    columns = parse_map(mapping)
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            _("Cannot import {file}: salesflow reads .csv and .xlsx files.").format(file=file.name),
            hint=_("Save an .xls workbook as .xlsx or CSV UTF-8 first.")
            if suffix == ".xls"
            else None,
        )
    if not file.is_file():
        raise InputError(_("There is no file {path}.").format(path=file))
    if suffix == ".xlsx":
        return _read_xlsx(file, columns)
    return _read_csv(file, columns)


def table_from_rows(
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    mapping: str | None = None,
) -> LeadTable:
    """A table from rows already in memory (numbered as if ``headers`` were row 1)."""
    columns, ignored = match_columns(list(headers), parse_map(mapping), file_name=name)
    materialized = [[cell_text(v) for v in row] for row in rows]
    return LeadTable(
        name=name,
        headers=list(headers),
        columns=columns,
        ignored=ignored,
        identity_column=identity_column(headers, columns),
        rows=list(
            _shape_rows(
                ((n, r, ()) for n, r in enumerate(materialized, start=2)),
                len(headers),
                pad_short=False,
            )
        ),
        estimated_rows=len(materialized),
    )
