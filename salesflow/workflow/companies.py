"""Company names compared the way people mean them (pure rules).

Two names are the same company when their keys are equal. The key is the name in NFKC form
(full-width letters, digits and brackets become half-width), lower case, without legal-form
suffixes (有限公司, 有限责任公司, 股份有限公司, Co., Ltd., Inc., ...), spaces or punctuation.
"""

from __future__ import annotations

import re
import unicodedata

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
