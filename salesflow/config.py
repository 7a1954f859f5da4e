"""Where salesflow's settings come from, and which source won.

Each setting is resolved from the first source that provides it:

* database URL: ``--db``, else ``SALESFLOW_DB_URL``, else ``database_url`` in the config
  file, else a SQLite file in the platform data directory;
* acting user: ``--as``, else ``SALESFLOW_USER``, else ``user`` in the config file, else the
  operating-system login name (the admin that ``salesflow init`` creates);
* stale days (``salesflow today``: a deal with no contact for this many days is stale):
  ``stale_days`` in the config file (a whole number, 1 to 3650), else 30; ``today
  --stale-days`` overrides it for one run;
* our company's header on quote documents (``quote export``): ``company_name``,
  ``company_name_en`` (English documents; else ``company_name``), ``company_address``,
  ``company_phone``, ``company_email``, ``company_tax_id`` (统一社会信用代码) and
  ``company_bank_account`` (bank and account number as one line), from the config file
  only; a document needs at least ``company_name``;
* the contract terms template (``contract new``): ``contract_template`` in the config
  file, a path to a Jinja2 text template, else the one shipped with salesflow;
* the font for PDF documents: ``SALESFLOW_PDF_FONT``, else ``pdf_font`` in the config
  file, else a CJK font found on the system (:mod:`salesflow.documents.fonts`);
* the language people read (``zh`` or ``en``): ``--lang``, else ``SALESFLOW_LANG``, else
  ``lang`` in the config file, else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
  ``LANG``: ``zh_CN.UTF-8`` means Chinese), else English.

The config file is ``config.toml`` in the platform config directory. ``SALESFLOW_HOME``
moves both the config and the data directory to one folder (tests use it so they never
touch real data). This module imports nothing heavy: ``--help`` loads it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesflow.i18n import N_, SOURCE_LANGUAGE, _, language_code, locale_language
from salesflow.workflow.errors import ConfigurationError, InputError

APP_NAME = "salesflow"
# Our company's header on quote documents, in the order ``config show`` lists them.
COMPANY_KEYS = (
    "company_name",
    "company_name_en",
    "company_address",
    "company_phone",
    "company_email",
    "company_tax_id",
    "company_bank_account",
)
CONFIG_KEYS = frozenset(
    {"database_url", "user", "stale_days", "pdf_font", "contract_template", "lang", *COMPANY_KEYS}
)
# Settings that are whole numbers in the config file (every other one is a string).
NUMBER_KEYS = frozenset({"stale_days"})
DEFAULT_STALE_DAYS = 30
MAX_STALE_DAYS = 3650
SUPPORTED_SCHEMES = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Resolved:
    """A setting's value and the code of the source it came from (see SOURCE_LABELS)."""

    value: str
    source: str


# Source codes are stored in JSON output as they are; people read the labels.
SOURCE_LABELS = {
    "config-file": N_("config file"),
    "default": N_("default"),
    "os-login": N_("operating-system login"),
    "platform": N_("platform folder"),
    "unset": N_("not set"),
}


def source_label(code: str) -> str:
    """How a source reads to a person; option and variable names stay as they are."""
    english = SOURCE_LABELS.get(code)
    return _(english) if english else code


@dataclass(frozen=True)
class Settings:
    database_url: Resolved
    user: Resolved
    config_file: Resolved
    data_dir: Resolved
    stale_days: Resolved
    # company_* settings (see COMPANY_KEYS); an unset one is "" from source "unset".
    company: dict[str, Resolved] = field(default_factory=dict)
    pdf_font: Resolved = Resolved("", "unset")
    contract_template: Resolved = Resolved("", "unset")
    lang: Resolved = Resolved(SOURCE_LANGUAGE, "default")

    def company_value(self, key: str) -> str:
        """A company header setting, stripped; "" when not set."""
        resolved = self.company.get(key)
        return resolved.value.strip() if resolved else ""

    def as_rows(self) -> list[dict[str, str]]:
        rows = [
            ("database_url", self.database_url, mask_password(self.database_url.value)),
            ("user", self.user, self.user.value),
            ("config_file", self.config_file, self.config_file.value),
            ("data_dir", self.data_dir, self.data_dir.value),
            ("stale_days", self.stale_days, self.stale_days.value),
        ]
        rows += [
            (key, resolved, resolved.value)
            for key in COMPANY_KEYS
            for resolved in [self.company.get(key, Resolved("", "unset"))]
        ]
        rows.append(("pdf_font", self.pdf_font, self.pdf_font.value))
        rows.append(("contract_template", self.contract_template, self.contract_template.value))
        rows.append(("lang", self.lang, self.lang.value))
        return [
            {"setting": name, "value": display, "source": resolved.source}
            for name, resolved, display in rows
        ]


def config_dir() -> Resolved:
    home = os.environ.get("SALESFLOW_HOME")
    if home:
        return Resolved(str(Path(home).expanduser()), "SALESFLOW_HOME")
    import platformdirs

    return Resolved(platformdirs.user_config_dir(APP_NAME), "platform")


def data_dir() -> Resolved:
    home = os.environ.get("SALESFLOW_HOME")
    if home:
        return Resolved(str(Path(home).expanduser()), "SALESFLOW_HOME")
    import platformdirs

    return Resolved(platformdirs.user_data_dir(APP_NAME), "platform")


def read_config_file(path: Path) -> dict[str, Any]:
    """The config file's settings; an absent file is an empty config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot read the config file {path}: {reason}.").format(
                path=path, reason=exc.strerror
            )
        ) from exc
    import tomllib  # only once there is a file: every run looks for its lang setting

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            _("The config file {path} is not valid TOML: {reason}.").format(path=path, reason=exc),
            hint=_("Fix the file or move it away."),
        ) from exc
    unknown = sorted(set(data) - CONFIG_KEYS)
    if unknown:
        raise ConfigurationError(
            _("Unknown setting {names} in the config file {path}.").format(
                names=", ".join(unknown), path=path
            ),
            hint=_("Known settings: {known}.").format(known=", ".join(sorted(CONFIG_KEYS))),
        )
    for key, value in data.items():
        if key in NUMBER_KEYS:
            _check_stale_days(value, path)
        elif not isinstance(value, str):
            raise ConfigurationError(
                _("The setting {key} in {path} must be a string.").format(key=key, path=path)
            )
    if "lang" in data and language_code(data["lang"]) is None:
        raise ConfigurationError(
            _("The setting lang in {path} names no language salesflow speaks: '{value}'.").format(
                path=path, value=data["lang"]
            ),
            hint=_("Use zh (简体中文) or en (English)."),
        )
    return data


def _check_stale_days(value: Any, path: Path) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(
            _("The setting stale_days in {path} must be a whole number of days.").format(path=path),
            hint=_("For example: stale_days = 30"),
        )
    if not 1 <= value <= MAX_STALE_DAYS:
        raise ConfigurationError(
            _("The setting stale_days in {path} must be between 1 and {most}, not {value}.").format(
                path=path, most=MAX_STALE_DAYS, value=value
            )
        )


def normalize_database_url(raw: str, *, source: str) -> str:
    """A SQLAlchemy URL for ``raw``: a URL, or a bare path meaning a SQLite file."""
    value = raw.strip()
    if not value:
        raise ConfigurationError(
            _("The database URL from {source} is empty.").format(source=source)
        )
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().absolute())
    scheme, rest = value.split("://", 1)
    if rest.split("/", 1)[0].count("@") > 1:
        raise ConfigurationError(
            _(
                "The database URL from {source} has more than one '@' before the host: {url}."
            ).format(source=source, url=mask_password(value)),
            hint=_("Percent-encode special characters in the password ('@' is %40)."),
        )
    dialect, _sep, driver = scheme.partition("+")
    if dialect == "postgres":
        dialect = "postgresql"
    if dialect not in SUPPORTED_SCHEMES:
        raise ConfigurationError(
            _("Unsupported database URL scheme '{scheme}' from {source}.").format(
                scheme=scheme, source=source
            ),
            hint=_("Use sqlite:///PATH, a file path, or postgresql://USER@HOST/DBNAME."),
        )
    if dialect == "postgresql" and not driver:
        driver = "psycopg"
    return f"{dialect}+{driver}://{rest}" if driver else f"{dialect}://{rest}"


def mask_password(url: str) -> str:
    """The URL with any password replaced by ``***``, safe to print."""
    # Greedy up to the last '@' before the path: a password may itself contain '@'.
    return re.sub(r"(://[^/:@]*:)[^/]*@", r"\1***@", url)


def os_login_name() -> str:
    """The operating-system login, shaped into a valid salesflow username."""
    import getpass

    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "admin"
    cleaned = re.sub(r"[^a-z0-9._-]", "", login.lower())
    return cleaned or "admin"


def config_file() -> Resolved:
    """Where the config file is: SALESFLOW_CONFIG, else config.toml in the config folder."""
    if os.environ.get("SALESFLOW_CONFIG"):
        return Resolved(str(Path(os.environ["SALESFLOW_CONFIG"]).expanduser()), "SALESFLOW_CONFIG")
    cdir = config_dir()
    return Resolved(str(Path(cdir.value) / "config.toml"), cdir.source)


def parse_language(raw: str, *, field: str) -> str:
    """``zh`` or ``en`` for any spelling of them (zh_CN.UTF-8, 中文, English); else refused."""
    code = language_code(raw)
    if code is None:
        raise InputError(
            _("Unknown language '{value}' ({field}).").format(value=raw, field=field),
            hint=_("Use zh (简体中文) or en (English)."),
        )
    return code


def resolve_language(cli_lang: str | None = None, file_lang: str | None = None) -> Resolved:
    """The language people read, and where it came from (see the module's docstring).

    ``file_lang`` is the config file's ``lang`` (already read); a bad ``--lang`` or
    ``SALESFLOW_LANG`` is refused naming it.
    """
    if cli_lang is not None:
        return Resolved(parse_language(cli_lang, field="--lang"), "--lang")
    explicit = os.environ.get("SALESFLOW_LANG", "").strip()
    if explicit:
        return Resolved(parse_language(explicit, field="SALESFLOW_LANG"), "SALESFLOW_LANG")
    if file_lang:
        return Resolved(parse_language(file_lang, field="lang"), "config-file")
    found = locale_language(os.environ)
    if found:
        return Resolved(found[0], found[1])
    return Resolved(SOURCE_LANGUAGE, "default")


def run_language(cli_lang: str | None) -> str:
    """The language of a run, as :func:`resolve_language` decides it; a config file that
    cannot be read is left out here (the command reports it when it reads its settings)."""
    try:
        file_lang = read_config_file(Path(config_file().value)).get("lang")
    except ConfigurationError:
        file_lang = None
    return resolve_language(cli_lang, file_lang).value


def resolve_settings(
    *, cli_db: str | None = None, cli_user: str | None = None, cli_lang: str | None = None
) -> Settings:
    located = config_file()
    config_path, config_source = Path(located.value), located.source
    file_settings = read_config_file(config_path)
    file_label = _("config file {path}").format(path=config_path)  # for error messages
    ddir = data_dir()

    if cli_db is not None:
        db = Resolved(normalize_database_url(cli_db, source="--db"), "--db")
    elif os.environ.get("SALESFLOW_DB_URL"):
        raw = os.environ["SALESFLOW_DB_URL"]
        db = Resolved(normalize_database_url(raw, source="SALESFLOW_DB_URL"), "SALESFLOW_DB_URL")
    elif "database_url" in file_settings:
        db = Resolved(
            normalize_database_url(file_settings["database_url"], source=file_label),
            "config-file",
        )
    else:
        default_path = Path(ddir.value) / "salesflow.db"
        db = Resolved("sqlite:///" + str(default_path), "default")

    if cli_user:
        user = Resolved(cli_user, "--as")
    elif os.environ.get("SALESFLOW_USER"):
        user = Resolved(os.environ["SALESFLOW_USER"], "SALESFLOW_USER")
    elif file_settings.get("user"):
        user = Resolved(file_settings["user"], "config-file")
    else:
        user = Resolved(os_login_name(), "os-login")

    if "stale_days" in file_settings:
        stale_days = Resolved(str(file_settings["stale_days"]), "config-file")
    else:
        stale_days = Resolved(str(DEFAULT_STALE_DAYS), "default")

    company = {
        key: Resolved(file_settings[key], "config-file")
        if file_settings.get(key, "").strip()
        else Resolved("", "unset")
        for key in COMPANY_KEYS
    }
    if os.environ.get("SALESFLOW_PDF_FONT"):
        pdf_font = Resolved(os.environ["SALESFLOW_PDF_FONT"], "SALESFLOW_PDF_FONT")
    elif file_settings.get("pdf_font", "").strip():
        pdf_font = Resolved(file_settings["pdf_font"], "config-file")
    else:
        pdf_font = Resolved("", "unset")

    if file_settings.get("contract_template", "").strip():
        contract_template = Resolved(
            str(Path(file_settings["contract_template"]).expanduser()), "config-file"
        )
    else:
        contract_template = Resolved("", "unset")

    return Settings(
        database_url=db,
        user=user,
        config_file=Resolved(str(config_path), config_source),
        data_dir=ddir,
        stale_days=stale_days,
        company=company,
        pdf_font=pdf_font,
        contract_template=contract_template,
        lang=resolve_language(cli_lang, file_settings.get("lang")),
    )
