"""Finding a font for PDF documents that shows Chinese (a CJK font), and embedding it.

The PDF embeds (a subset of) the font, so the reader needs no font of its own. The font
is found in this order:

1. ``SALESFLOW_PDF_FONT``, else ``pdf_font`` in the config file: a .ttf, .otf, .ttc or
   .otc file; a collection (.ttc/.otc) uses its Simplified Chinese face (a face whose
   name ends in "SC"), else its first, unless the path ends in ``:N`` (face number N,
   as ``fc-match`` prints it). A setting naming a missing file is refused;
2. the Debian and Ubuntu packages' files, fonts-noto-cjk first
   (``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, face "Noto Sans CJK SC",
   with its Bold beside it), then Noto Serif CJK, WenQuanYi and Droid Sans Fallback;
3. fontconfig: ``fc-match -f '%{file}' ':lang=zh-cn'``, if the font it names really
   covers Chinese.

A document with no Chinese text can do without: then DejaVu Sans, else the PDF's own
Helvetica (Latin-1 text only). A Chinese document with no CJK font is refused with a hint:
``apt-get install fonts-noto-cjk``, or set ``pdf_font``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from salesflow.i18n import _
from salesflow.workflow.errors import ConfigurationError, SalesflowError

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
COLLECTION_SUFFIXES = (".ttc", ".otc")
# (regular, bold or None), most preferred first.
KNOWN_CJK_FONTS: tuple[tuple[str, str | None], ...] = (
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
)
LATIN_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
_FACE_SUFFIX = re.compile(r"^(.*):(\d{1,3})$")


class NoCJKFont(SalesflowError):
    """No font that shows Chinese could be found for a PDF that needs one."""

    exit_code = 1


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0  # the face in a collection (.ttc/.otc)


@dataclass(frozen=True)
class PdfFont:
    """The font a PDF uses: a regular face, maybe a bold one; None: Helvetica."""

    regular: FontFace | None
    bold: FontFace | None
    source: str  # where it came from, for messages and tests
    cjk: bool


def simplified_chinese_face(path: Path) -> int:
    """The face number of a collection's Simplified Chinese face ("... SC"), else 0."""
    try:
        from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

        collection = TTCollection(str(path), lazy=True)
        try:
            for index, font in enumerate(collection.fonts):
                family = str(font["name"].getDebugName(1) or "")
                if re.search(r"\bSC\b", family) and "Mono" not in family:
                    return index
        finally:
            collection.close()
    except Exception:  # an unreadable collection: fpdf2 reports it when it loads the face
        return 0
    return 0


def _face(path: Path, index: int | None = None) -> FontFace:
    if index is not None:
        return FontFace(path, index)
    if path.suffix.lower() in COLLECTION_SUFFIXES:
        return FontFace(path, simplified_chinese_face(path))
    return FontFace(path, 0)


def configured_face(value: str, source: str) -> FontFace:
    """The font a setting names (``PATH`` or ``PATH:N``); a missing file is refused."""
    text = value.strip()
    path = Path(text).expanduser()
    index: int | None = None
    match = _FACE_SUFFIX.match(text)
    if not path.is_file() and match is not None:
        path, index = Path(match.group(1)).expanduser(), int(match.group(2))
    if not path.is_file():
        raise ConfigurationError(
            _("The PDF font {path} (from {source}) does not exist.").format(
                path=path, source=source
            ),
            hint=_("Name a .ttf, .otf or .ttc file, or remove the setting to search the system."),
        )
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise ConfigurationError(
            _("The PDF font {path} (from {source}) is not a TrueType or OpenType file.").format(
                path=path, source=source
            ),
            hint=_("Name a .ttf, .otf or .ttc file."),
        )
    return _face(path, index)


def fontconfig_cjk_face() -> FontFace | None:
    """What fontconfig offers for Simplified Chinese, if it really covers Chinese."""
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{lang}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = found.stdout.split("\n")
    if found.returncode != 0 or len(parts) < 3:
        return None
    path, index, langs = Path(parts[0]), parts[1], parts[2].split("|")
    if "zh-cn" not in langs or not path.is_file():
        return None
    if path.suffix.lower() not in FONT_SUFFIXES:
        return None
    return FontFace(path, int(index) if index.isdigit() else 0)


def find_cjk_font(configured: str = "", configured_source: str = "") -> PdfFont | None:
    """The CJK font to embed (see the module docstring for the order); None if none."""
    if configured.strip():
        face = configured_face(configured, configured_source)
        return PdfFont(face, None, configured_source, cjk=True)
    for regular, bold in KNOWN_CJK_FONTS:
        path = Path(regular)
        if path.is_file():
            bold_face = _face(Path(bold)) if bold and Path(bold).is_file() else None
            return PdfFont(_face(path), bold_face, str(path), cjk=True)
    offered = fontconfig_cjk_face()
    if offered is not None:
        return PdfFont(offered, None, "fc-match", cjk=True)
    return None


def pdf_font(needs_cjk: bool, configured: str = "", configured_source: str = "") -> PdfFont:
    """The font for a PDF; refused when ``needs_cjk`` and no CJK font can be found."""
    found = find_cjk_font(configured, configured_source)
    if found is not None:
        return found
    if needs_cjk:
        raise NoCJKFont(
            _("No font that shows Chinese was found for the PDF."),
            hint=_(
                "Install one (as root: apt-get install fonts-noto-cjk), or set pdf_font in "
                "the config file (or SALESFLOW_PDF_FONT) to a .ttf, .otf or .ttc file."
            ),
        )
    for latin in LATIN_FONTS:
        if Path(latin).is_file():
            return PdfFont(FontFace(Path(latin)), None, latin, cjk=False)
    return PdfFont(None, None, "helvetica", cjk=False)
