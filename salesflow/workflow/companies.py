"""Company names compared the way people mean them (pure rules).

Two names are the same company when their keys are equal. The key is the name in NFKC form
(full-width letters, digits and brackets become half-width), lower case, without legal-form
suffixes (有限公司, 有限责任公司, 股份有限公司, Co., Ltd., Inc., ...), spaces or punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Longest first, so 股份有限公司 is removed before 有限公司 could leave 股份 behind.
LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份有限公司",
    "有限公司",
    "集团公司",
    "公司",
    "company limited",
    "co ltd",
    "co limited",
    "corporation",
    "limited",
    "company",
    "corp",
    "inc",
    "llc",
    "ltd",
    "gmbh",
    "co",
)
_SUFFIX_PATTERN = re.compile(
    r"(?:"
    + "|".join(
        re.escape(s).replace(r"\ ", " ?") for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True)
    )
    + r")$"
)


def _plain(text: str) -> str:
    """NFKC, lower case, punctuation and symbols as spaces, runs of spaces as one."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join(text.split())


def company_key(name: str) -> str:
    """The comparison key of a company name (empty only for an empty name)."""
    plain = _plain(name)
    stripped = plain
    while True:
        shorter = _SUFFIX_PATTERN.sub("", stripped).strip()
        if shorter == stripped or not shorter:
            break
        stripped = shorter
    return (stripped or plain).replace(" ", "")


@cache
def _place_prefixes() -> tuple[int, frozenset[str]]:
    from salesflow.workflow.regions import aliases, divisions

    names: set[str] = set()
    for province in divisions():
        names |= aliases(province.name)
        for city in province.children:
            names |= aliases(city.name)
    names = {name for name in names if len(name) >= 2}
    return max(len(name) for name in names), frozenset(names)


def company_stem(key: str) -> str:
    """The key without the place names it starts with (深圳市腾达电子 -> 腾达电子)."""
    longest, names = _place_prefixes()
    stem = key
    changed = True
    while changed:
        changed = False
        for size in range(min(longest, len(stem) - 1), 1, -1):
            if stem[:size] in names:
                stem = stem[size:]
                changed = True
                break
    return stem


def company_block(key: str) -> str:
    """Which block of similar names a key belongs to, for fuzzy checks over many rows.

    The first two characters of the stem (three for Latin names): 深圳市腾达电子 and
    深圳腾达电子科技 share the block 腾达. Comparing within blocks keeps a scan of 100,000
    names fast; names whose stems differ in their first characters are not compared.
    """
    stem = company_stem(key) or key
    size = 3 if stem[:1].isascii() else 2
    return stem[:size]
