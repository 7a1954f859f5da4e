"""Phones, emails and WeChat IDs: validated and stored in one normal form (pure rules)."""

from __future__ import annotations

import re

from salesflow.i18n import _
from salesflow.workflow.errors import InputError

DEFAULT_REGION = "CN"
WECHAT_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$|^1\d{10}$")


def normalize_phone(raw: str, *, field: str = "--phone") -> str:
    """The phone in E.164 (+8613800138000); mainland numbers may omit +86.

    Landlines keep their area code (0571-88888888 -> +8657188888888).
    """
    import phonenumbers

    text = raw.strip()
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InputError(
            _("'{value}' is not a phone number ({field}).").format(value=raw, field=field),
            hint=_("Write a mobile like 138 0013 8000 or a landline with its area code."),
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise InputError(
            _("'{value}' is not a valid phone number ({field}).").format(value=raw, field=field),
            hint=_("Write a mobile like 138 0013 8000 or a landline with its area code."),
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """How a stored phone reads: national form for mainland numbers, else international."""
    if not e164:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 86
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def normalize_email(raw: str, *, field: str = "--email") -> str:
    """The email checked for syntax only (no network) and lower-cased for comparison."""
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InputError(
            _("'{value}' is not a valid email address ({field}): {reason}").format(
                value=raw, field=field, reason=str(exc).rstrip(".")
            )
        ) from exc
    return checked.normalized.lower()


def normalize_wechat(raw: str, *, field: str = "--wechat") -> str:
    """A WeChat ID: 6-20 letters, digits, '_' or '-' starting with a letter, or a mobile."""
    text = raw.strip()
    if not WECHAT_PATTERN.match(text):
        raise InputError(
            _("'{value}' is not a WeChat ID ({field}).").format(value=raw, field=field),
            hint=_("6-20 letters, digits, '_' or '-', starting with a letter; or a mobile number."),
        )
    return text
