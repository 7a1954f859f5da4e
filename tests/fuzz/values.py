"""Hostile values for the fuzz tests: the strategies every command's arguments are made of.

Each kind of value (free text, a number, a date, a reference to a record, a file) is half
of the time something the command may well accept, so that examples reach the writes
behind the checks, and half of the time something hostile: control characters (NUL, CR,
ANSI escapes), strings of 10,000 characters and more, SQL-looking text, odd Unicode (RTL
marks, zero-width joiners, combining marks, astral characters, full-width digits, emoji),
huge and negative numbers, NaN and infinity, malformed and out-of-range dates.

Files and paths are placeholders (:class:`FileArg`, :class:`OutPath`) that the runner
turns into real files and paths in the test's own folder, so the falsifying example that
Hypothesis prints shows the content too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import strategies as st

CONTROL = "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\u2028\u2029"
ANSI = ("\x1b[31m", "\x1b[2J\x1b[H", "\x1b]0;owned\x07", "\x1b[0m", "\x1b[1A\x1b[K", "\x9b31m")
SQL = (
    "'; DROP TABLE leads; --",
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    "1; DELETE FROM users",
    "Robert'); DROP TABLE customers;--",
    "%",
    "_",
    "%_%",
    "\\",
    "'",
    "''",
    '"',
    "NULL",
    "None",
    "null",
    "$1",
    "?",
    ":name",
    "%(name)s",
    "{0}",
    "{name}",
    "\\x00",
    "/* */",
    "UNION SELECT * FROM users",
)
UNICODE = (
    "\u200f",  # right-to-left mark
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u2066\u2069",  # isolates
    "\u200d",  # zero-width joiner
    "\u200b",  # zero-width space
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "e\u0301",  # e + combining acute
    "\u0301\u0302\u0303",  # combining marks alone
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family (ZWJ sequence)
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U00020000",  # CJK extension B
    "\U0001d54f",  # mathematical double-struck X
    "\U0001f600",
    "\U0010fffd",  # last plane, private use
    "１２３４５",  # full-width digits
    "ＡＢＣ",
    "\u3000",  # ideographic space
    "\u00a0",  # no-break space
    "İ",
    "ß",
    "ǅ",
    "ﬁ",
    "٣٤",  # Arabic-Indic digits
    "Ⅻ",
    "½",
    "杭州测试科技有限公司",
    "מבחן",
    "اختبار",
    "\ufffd",
    "\ufff9\ufffa\ufffb",
)
NUMBERS = (
    "0",
    "-0",
    "-1",
    "-100",
    "1",
    "1e309",
    "-1e309",
    "1e-309",
    "1e308",
    "0.001",
    "0.0001",
    "0.005",
    "-0.001",
    "NaN",
    "nan",
    "-NaN",
    "inf",
    "-inf",
    "+inf",
    "Infinity",
    "-Infinity",
    "∞",
    "1_000",
    "1,000,000.50",
    "1,2,3",
    "１２３",
    "１２．５",
    "12万",
    "-12万",
    "1e9万",
    "1.5亿",
    "万",
    "99999999999999999999999999",
    "-99999999999999999999",
    "9" * 400,
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "¥100",
    "$5",
    "100元",
    "5%",
    "100%",
    "-5%",
    "0x1F",
    "0b101",
    "1e3",
    "1E+2",
    "  7  ",
    "",
    " ",
    "1.2.3",
    "1..2",
    ".5",
    "5.",
    "+5",
    "--5",
    "Ⅻ",
    "½",
    "٣",
    "1/2",
    "2**64",
    "10" + "0" * 30,
    "0." + "0" * 40 + "1",
    "²",
    "①",
    "2147483648",
)
DATES = (
    "2026-02-30",
    "2026-02-29",
    "2024-02-29",
    "1900-02-29",
    "99999-01-01",
    "10000-01-01",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2026-13-01",
    "2026-00-10",
    "2026-01-32",
    "2026-1-1",
    "2026/02/28",
    "2026.02.28",
    "28.02.2026",
    "02/28/2026",
    "2026-02-28T10:00",
    "2026-02-28 25:61",
    "2026-02-28 10:00:00+99:00",
    "1970-01-01",
    "1969-12-31",
    "２０２６－０１－０１",
    "２０２６-01-01",
    "明天",
    "后天",
    "昨天",
    "下周一",
    "下周八",
    "today",
    "yesterday",
    "tomorrow",
    "TOMORROW",
    "+3d",
    "-3d",
    "+0d",
    "+9999d",
    "+99999999999999999999d",
    "+1e9w",
    "+3660d",
    "+3661d",
    "next monday",
    "next next monday",
    "friday",
    "fri",
    "2026-W53",
    "2026-W00",
    "2026-Q5",
    "2026-11",
    "2026",
    "2026年11月",
    "2026年13月",
    "11-24",
    "02-30",
    "-1",
    "0",
    "",
    " ",
    "\x00",
)
PERIODS = (
    "2026-W47",
    "2026-W1",
    "2026-W00",
    "2026-W53",
    "2026-W54",
    "2026-11",
    "2026-13",
    "2026-00",
    "2026-Q4",
    "2026-Q0",
    "2026-Q5",
    "2026",
    "0000",
    "99999",
    "10000-01",
    "2026年11月",
    "2026年Q4",
    "2026年13月",
    "２０２６-11",
    "-2026",
    "",
)
REFERENCES = (
    "0",
    "-1",
    "#",
    "#1",
    "L1",
    "l1",
    "L-1",
    "C1",
    "C-1",
    "Q-2026-0001",
    "q-2026-1",
    "Q-2026-0001:2",
    "Q-9999-9999",
    "Q-0-0",
    "C-2026-0001",
    "C-99999-1",
    "99999999999999999999999999",
    "9223372036854775808",
    "1 OR 1=1",
    "1; DROP TABLE leads",
    "１",
    "1.0",
    "1e3",
    "",
    " 1 ",
    "0x1",
    "NaN",
    "²",  # a digit to str.isdigit(), not to int()
    "①",
    "L³",
    "2147483648",  # beyond a 32-bit id (PostgreSQL's INTEGER)
    "999999999999",
    "4294967296",
)


def _join(parts: Sequence[str]) -> str:
    return "".join(parts)


@dataclass(frozen=True)
class Field:
    """The values of one argument: ``valid`` ones the command may accept, ``hostile`` ones.

    An example gives hostile values to a few of a command's arguments at most (often to
    none), so that the others let the command get as far as its writes."""

    valid: st.SearchStrategy[Any]
    hostile: st.SearchStrategy[Any]

    def any(self) -> st.SearchStrategy[Any]:
        return st.one_of(self.valid, self.hostile)

    def map(self, function: Any) -> Field:
        return Field(self.valid.map(function), self.hostile.map(function))


# ---------------------------------------------------------------- free text

_PIECES = st.sampled_from(
    [*SQL, *UNICODE, *ANSI, *CONTROL, "a", "中", " ", "-", "--", "=", ",", ":", ";", "\\"]
)


def long_text() -> st.SearchStrategy[str]:
    """10,000 characters or more: one piece repeated."""
    return st.builds(
        lambda piece, length: (piece * (length // max(len(piece), 1) + 1))[:length],
        st.sampled_from(["a", "中", "\U0001f600", "'", "\x00", "e\u0301", "1", "\u200d"]),
        st.integers(10_000, 12_000),
    )


def hostile_text() -> st.SearchStrategy[str]:
    """Text nobody means to type: control characters, SQL, odd Unicode, very long."""
    return st.one_of(
        st.sampled_from([*SQL, *UNICODE, *ANSI, "".join(CONTROL), ""]),
        st.lists(_PIECES, min_size=1, max_size=6).map(_join),
        st.text(max_size=30),
        st.text(alphabet=st.sampled_from(CONTROL + "a中1"), min_size=1, max_size=12),
        long_text(),
    )


def _dressed(plain: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``plain`` with hostile text before or after it, or instead of it."""
    return st.one_of(
        hostile_text(),
        st.tuples(plain, hostile_text()).map(_join),
        st.tuples(hostile_text(), plain).map(_join),
    )


def text(*valid: str, free: bool = True) -> Field:
    """Text: one of ``valid`` (or a plain phrase), or with ``free`` any letters and digits;
    hostile text, alone or mixed in."""
    plain = st.sampled_from(valid or ("测试", "plain text"))
    if free:
        letters = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)
        plain = st.one_of(plain, letters)
    return Field(plain, _dressed(plain))


# ---------------------------------------------------------------- numbers, dates, codes


def number(*valid: str) -> Field:
    """A number as typed: ``valid`` ones; odd spellings, huge, negative, NaN, floats."""
    return Field(
        st.one_of(st.sampled_from(valid or ("1", "100", "12000")), st.integers(0, 999).map(str)),
        st.one_of(
            st.sampled_from(NUMBERS),
            st.integers(-(2**70), 2**70).map(str),
            st.floats().map(str),
            st.decimals(allow_nan=True).map(str),
            st.tuples(st.sampled_from(NUMBERS), st.sampled_from(["%", "万", "元", " "])).map(_join),
            hostile_text(),
        ),
    )


def day(*valid: str) -> Field:
    """A date as typed: sensible ones; malformed and out-of-range ones, random text."""
    return Field(
        st.one_of(
            st.sampled_from(valid or ("today", "tomorrow", "+3d")),
            st.dates(date(2026, 1, 1), date(2027, 12, 31)).map(date.isoformat),
        ),
        st.one_of(
            st.sampled_from(DATES),
            st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
            st.tuples(st.integers(-1, 100_000), st.integers(-1, 14), st.integers(-1, 40)).map(
                lambda ymd: f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}"
            ),
            hostile_text(),
        ),
    )


def period(*valid: str) -> Field:
    return Field(
        st.sampled_from(valid or PERIODS[:1]),
        st.one_of(st.sampled_from(PERIODS), day().hostile),
    )


def code(*valid: str) -> Field:
    """One of a fixed set of codes (a stage, a role); odd cases and dressings, or junk."""
    return Field(
        st.sampled_from(valid),
        st.one_of(
            st.sampled_from(valid).map(str.upper),
            st.tuples(
                st.sampled_from(valid), st.sampled_from(["\x00", " ", "\u200b", "'", "%"])
            ).map(_join),
            hostile_text(),
        ),
    )


def ref(*valid: str) -> Field:
    """A reference to a record (a lead number, a quote number, a user): real or not."""
    return Field(
        st.sampled_from(valid),
        st.one_of(st.sampled_from(REFERENCES), _dressed(st.sampled_from(valid))),
    )


def percent(*valid: str) -> Field:
    numbers = number()
    return Field(
        st.sampled_from(valid or ("5%", "10", "0%")),
        st.one_of(numbers.hostile.map(lambda n: n + "%"), numbers.hostile),
    )


def reported(field: Field, bug: Callable[[Any], bool]) -> Field:
    """``field`` without the hostile values ``bug`` picks out: a failure found and reported
    in a file this suite may not change. Delete the filter once the bug is fixed."""
    return Field(field.valid, field.hostile.filter(lambda value: not bug(value)))


def parts(separator: str, *fields: Field) -> Field:
    """Parts joined by ``separator`` (``SKU:QTY:PRICE``); hostile: one part hostile, parts
    missing or too many."""

    def one_hostile(index: int) -> st.SearchStrategy[str]:
        return st.tuples(*(f.hostile if i == index else f.valid for i, f in enumerate(fields))).map(
            separator.join
        )

    valid = st.tuples(*(f.valid for f in fields)).map(separator.join)
    return Field(
        valid,
        st.one_of(
            *(one_hostile(i) for i in range(len(fields))),
            st.lists(st.one_of(*(f.any() for f in fields)), max_size=len(fields) + 2).map(
                separator.join
            ),
        ),
    )


def several(field: Field, separator: str | None = None, *, max_size: int = 3) -> Field:
    """One to ``max_size`` values (joined by ``separator``, else a list); hostile: one of
    them hostile, or none at all."""
    valid = st.lists(field.valid, min_size=1, max_size=max_size)
    hostile = st.one_of(
        st.tuples(valid, field.hostile).map(lambda both: [*both[0][:-1], both[1]]),
        st.just([]),
    )
    if separator is None:
        return Field(valid, hostile)
    return Field(valid.map(separator.join), hostile.map(separator.join))


# ---------------------------------------------------------------- arguments

# One argument: a word, a FileArg or an OutPath; a list is several words.
Args = list[Any]
FLAG = Field(st.just(True), st.just(True))


def _words(name: str, value: Any) -> Args:
    """``--name value``; a list of values repeats the option (``--line a --line b``)."""
    if value is True:
        return [name]
    values = value if isinstance(value, list) else [value]
    return [word for item in values for word in (name, item)]


def command(
    *positionals: Field,
    opts: dict[str, Field] | None = None,
    required: dict[str, Field] | None = None,
) -> st.SearchStrategy[Args]:
    """The arguments of one command: a few of its options (``required`` ones nearly always), and
    its positionals (a list is several), after ``--`` when one of them starts with a dash.
    At most two of the arguments get hostile values; often none does."""
    named = {**(required or {}), **(opts or {})}
    slots = [*(f"#{i}" for i in range(len(positionals))), *named]

    @st.composite
    def arguments(draw: st.DrawFn) -> Args:
        hot = draw(st.sets(st.sampled_from(slots), max_size=2)) if slots else set()
        words: Args = []
        for name, field in named.items():
            chances = [True] * 5 + [False] if name in (required or {}) else [True, False, False]
            present = name in hot or draw(st.sampled_from(chances))
            if present:
                words += _words(name, draw(field.hostile if name in hot else field.valid))
        values: Args = []
        for index, field in enumerate(positionals):
            value = draw(field.hostile if f"#{index}" in hot else field.valid)
            values += value if isinstance(value, list) else [value]
        dashed = any(isinstance(v, str) and v.startswith("-") for v in values)
        return [*words, *(["--"] if dashed else []), *values]

    return arguments()


# ---------------------------------------------------------------- files and paths


@dataclass(frozen=True)
class FileArg:
    """A file to read, made by the runner in the test's folder: ``content``, or the bytes
    of a file the test named ``base`` cut short at ``cut`` and with the byte at ``flip``
    changed, then ``content``."""

    content: bytes
    suffix: str = ".csv"
    name: str = "input"
    base: str = ""
    cut: int | None = None
    flip: int | None = None

    def bytes(self, files: dict[str, bytes]) -> bytes:
        data = bytearray(files[self.base] if self.base else b"")
        if self.cut is not None:
            del data[self.cut :]
        if self.flip is not None and data:
            data[self.flip % len(data)] ^= 0xFF
        return bytes(data) + self.content


@dataclass(frozen=True)
class OutPath:
    """A path to write to, inside the test's output folder (made by the runner).

    ``kind``: ``new`` (a fresh name), ``existing`` (a file already there), ``directory``
    (an existing folder), ``missing-dir`` (inside a folder that does not exist)."""

    name: str
    kind: str = "new"


def _safe_name(name: str) -> bool:
    return ".." not in name and "/" not in name and name not in {"", "."}


def file_name(suffixes: Iterable[str]) -> st.SearchStrategy[str]:
    """A file name with one of ``suffixes`` (or none), hostile characters in the stem."""
    stem = st.one_of(
        st.sampled_from(["out", "导出", "a b", "-x", "--force", "e\u0301", "\u202eexe.txt"]),
        st.text(min_size=1, max_size=20).filter(_safe_name),
        st.just("n" * 300),
        st.just("a\x00b"),
    )
    return st.tuples(stem, st.sampled_from([*suffixes, "", ".txt", ".CSV", ".exe"])).map(_join)


def out_path(*suffixes: str) -> Field:
    """A file to write: a fresh plain name; or odd names, an existing file, a folder, a
    folder that does not exist."""
    return Field(
        st.builds(OutPath, st.sampled_from([f"out{suffix}" for suffix in suffixes])),
        st.builds(
            OutPath,
            file_name(suffixes),
            st.sampled_from(["new", "new", "existing", "directory", "missing-dir"]),
        ),
    )


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


FORMULAS = (
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(1)",
    '=HYPERLINK("http://x","y")',
    "\t=1",
)


def cell() -> st.SearchStrategy[str]:
    return st.one_of(
        text().any(), st.sampled_from(FORMULAS), number().any(), day().any(), st.just("x" * 40_000)
    )


def table_file(header: Sequence[str], good_rows: Sequence[Sequence[str]]) -> Field:
    """A .csv or .xlsx file to import: the header and good rows; or fuzzed and ragged rows,
    huge and formula-looking cells, wrong encodings (GBK, UTF-16 with a BOM), random bytes,
    an empty file, a broken zip."""
    good = st.sampled_from([list(row) for row in good_rows])
    fuzzed_row = st.lists(
        st.one_of(cell(), st.sampled_from([c for r in good_rows for c in r])),
        max_size=len(header) + 3,
    )
    rows = st.lists(st.one_of(good, fuzzed_row, good.flatmap(_fuzz_one_cell)), max_size=5)
    header_row = st.one_of(
        st.just(list(header)),
        st.just([h.upper() for h in header]),
        st.lists(cell(), max_size=len(header) + 2),
        st.just([*header, *header[:1]]),  # a repeated column
    )
    encoding = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "latin-1"])
    valid = st.builds(
        lambda body, suffix: FileArg(
            xlsx_bytes([list(header), *body])
            if suffix == ".xlsx"
            else csv_bytes([list(header), *body]),
            suffix,
        ),
        st.lists(good, min_size=1, max_size=3),
        st.sampled_from([".csv", ".csv", ".xlsx"]),
    )
    as_csv = st.builds(
        lambda head, body, enc: FileArg(csv_bytes([head, *body], enc), ".csv"),
        header_row,
        rows,
        encoding,
    )
    as_xlsx = st.builds(
        lambda head, body: FileArg(xlsx_bytes([head, *body]), ".xlsx"), header_row, rows
    )
    odd = st.one_of(
        st.binary(max_size=200).map(lambda b: FileArg(b, ".csv")),
        st.binary(max_size=200).map(lambda b: FileArg(b, ".xlsx")),
        st.just(FileArg(b"", ".csv")),
        st.just(FileArg(b"\xef\xbb\xbf", ".csv")),
        st.just(FileArg(b"PK\x03\x04" + b"\x00" * 40, ".xlsx")),
        st.builds(lambda head, body: FileArg(csv_bytes([head, *body]), ".txt"), header_row, rows),
        st.builds(
            lambda head: FileArg(csv_bytes([head]) + b'"unterminated,\n', ".csv"), header_row
        ),
    )
    return Field(valid, st.one_of(as_csv, as_csv, as_xlsx, odd))


def _fuzz_one_cell(row: list[str]) -> st.SearchStrategy[list[str]]:
    if not row:
        return st.just(row)
    return st.tuples(st.integers(0, len(row) - 1), cell()).map(
        lambda change: [change[1] if i == change[0] else c for i, c in enumerate(row)]
    )


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        try:
            sheet.append(row)
        except Exception:  # openpyxl refuses control characters: write what it takes
            sheet.append([_printable(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _printable(value: str) -> str:
    return "".join(c for c in value if c >= " " or c in "\t\n\r")[:32_000]
