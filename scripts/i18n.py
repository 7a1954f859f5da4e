"""The message catalogs, kept with Babel: extract, update, compile, check.

    .venv/bin/python scripts/i18n.py update    # source -> zh .po (new messages empty,
                                               # gone ones dropped, locations refreshed)
    .venv/bin/python scripts/i18n.py compile   # zh .po -> .mo (shipped with the package)
    .venv/bin/python scripts/i18n.py check     # exit 1 if a message lacks its Chinese or
                                               # the .mo is stale (tests/test_i18n.py)

The messages are every string passed to ``_``, ``ngettext``, ``N_``, ``Nn_`` and ``help_format``
in the package (babel.cfg). Babel is a development tool here: the compiled ``.mo`` is in
the repository, so installing salesflow needs no compile step.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "salesflow"
LOCALE_DIR = PACKAGE / "locale"
LANGUAGES = {"zh": "zh_Hans_CN"}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Nn_": (1, 2), "help_format": None}
# {name}, {0}, {} and {value!r} in str.format messages; %s-style is not used.
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "salesflow.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    """Every message in the package, with where it is used."""
    catalog = Catalog(project="salesflow", domain="salesflow", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    ):
        location = (f"salesflow/{filename}", lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=0, sort_by_file=True, omit_header=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def merged(lang: str, template: Catalog) -> Catalog:
    """The language's catalog updated to ``template``: new messages empty, gone ones
    dropped (Babel would keep them as obsolete; the .po carries only live messages)."""
    path = po_path(lang)
    if path.exists():
        catalog = read_catalog(path, LANGUAGES[lang])
    else:
        catalog = Catalog(locale=LANGUAGES[lang], domain="salesflow", project="salesflow")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False  # the header: gettext reads the plural forms from it
    return catalog


def message_problems(catalog: Catalog) -> Iterable[str]:
    """Messages without a translation, marked fuzzy, or whose placeholders differ."""
    for message in catalog:
        if not message.id:
            continue
        yield from _problems(message)


def _problems(message: Message) -> Iterable[str]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    name = ids[0][:70]
    if message.fuzzy:
        yield f"fuzzy: {name!r}"
    wanted = set(PLACEHOLDER.findall(str(ids[-1])))
    for translated in (str(string or "") for string in strings):
        if not translated:
            yield f"no translation: {name!r}"
        elif set(PLACEHOLDER.findall(translated)) != wanted:
            yield f"placeholders differ: {name!r}"


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = merged(lang, template)
        path.write_bytes(_po_bytes(catalog))
        untranslated = sum(1 for message in catalog if message.id and not message.string)
        print(f"{path.relative_to(ROOT)}: {len(template)} messages, {untranslated} untranslated")


def compile_catalogs() -> None:
    for lang, locale in LANGUAGES.items():
        mo_path(lang).write_bytes(_mo_bytes(read_catalog(po_path(lang), locale)))
        print(f"compiled {mo_path(lang).relative_to(ROOT)}")


def check() -> list[str]:
    """What is wrong with the catalogs (nothing when they are complete and up to date)."""
    problems: list[str] = []
    template = extract()
    for lang, locale in LANGUAGES.items():
        path, compiled = po_path(lang), mo_path(lang)
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)} is missing")
            continue
        catalog = read_catalog(path, locale)
        live = {message.id for message in catalog if message.id}
        missing = [message.id for message in template if message.id and message.id not in live]
        problems += [f"{lang}: not in the catalog: {str(m)[:70]!r}" for m in missing]
        wanted = {message.id for message in template if message.id}
        problems += [
            f"{lang}: no longer used: {str(m)[:70]!r}: run scripts/i18n.py update"
            for m in live - wanted
        ]
        problems += [f"{lang}: {problem}" for problem in message_problems(catalog)]
        if not compiled.exists() or compiled.read_bytes() != _mo_bytes(catalog):
            problems.append(f"{compiled.relative_to(ROOT)} is stale: run scripts/i18n.py compile")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    elif command == "check":
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
