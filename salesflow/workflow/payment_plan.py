"""A payment plan (回款计划) as people type it: ``30%:sign,70%:2026-12-31`` (pure rules).

Each part is ``SHARE:WHEN``, parts separated by commas:

* ``SHARE`` is a percentage of the contract total (``30%``, ``12.5%``, at most two
  decimals) or an amount in yuan (``50000``, ``5万``, ``¥12,000.50``);
* ``WHEN`` is ``sign`` (签约), ``delivery`` (交付) or a day in the everyday forms of
  :func:`salesflow.workflow.dates.parse_day` (``2026-12-31``, ``+30d``, ...).

The shares must add up to exactly the contract total: with percentages only, exactly
100%; mixed, the percentages of the total plus the amounts must make the total exactly
(checked in whole numbers, never rounded). A percentage part is worth
``floor(total × share / 100%)`` fen; the few fen that rounding down leaves over go to the
last part of the plan, so the parts always add up to the total to the fen. A part worth
nothing (0%, or a share that rounds to 0 fen) is refused. Every message names ``--plan``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesflow.i18n import _
from salesflow.workflow.dates import parse_day
from salesflow.workflow.errors import InputError
from salesflow.workflow.money import parse_amount

OPTION = "--plan"
WHOLE_BP = 10_000
DEFAULT_PLAN = "100%:delivery"
EVENT_WORDS = {
    "sign": "sign",
    "signing": "sign",
    "signed": "sign",
    "签约": "sign",
    "签约时": "sign",
    "签署": "sign",
    "delivery": "delivery",
    "deliver": "delivery",
    "delivered": "delivery",
    "交付": "delivery",
    "交付时": "delivery",
    "交货": "delivery",
}
_PERCENT = re.compile(r"[+-]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class PlanPart:
    """One instalment of a plan: its amount, and when it falls due."""

    position: int
    amount_fen: int
    share_bp: int | None  # the percentage it was typed as (3000 = 30%); None for an amount
    due_event: str | None  # "sign" or "delivery"
    due_on: date | None  # a fixed day (an event part gets its day when the event happens)


def _bad(message: str) -> InputError:
    return InputError(
        message,
        hint=_("Write parts like --plan '30%:sign,70%:2026-12-31' (sign, delivery or a day)."),
    )


def _share_bp(text: str, part: str) -> int:
    number = text[:-1].strip()
    if not _PERCENT.fullmatch(number):
        raise _bad(_("'{part}' is not a percentage ({option}).").format(part=part, option=OPTION))
    value = Decimal(number)  # the pattern admits only plain decimals
    if value <= 0:
        raise _bad(
            _("The share in '{part}' must be more than 0% ({option}).").format(
                part=part, option=OPTION
            )
        )
    bp = value * 100
    if bp != bp.to_integral_value():
        raise _bad(
            _("The share in '{part}' has more than two decimals ({option}).").format(
                part=part, option=OPTION
            )
        )
    if bp > WHOLE_BP:
        raise _bad(
            _("The share in '{part}' is more than 100% ({option}).").format(
                part=part, option=OPTION
            )
        )
    return int(bp)


def _when(text: str, part: str, today: date) -> tuple[str | None, date | None]:
    word = text.strip()
    event = EVENT_WORDS.get(word.lower())
    if event is not None:
        return event, None
    try:
        return None, parse_day(word, today, option=OPTION)
    except InputError:
        raise _bad(
            _(
                "'{when}' in '{part}' is neither sign, delivery nor a day such as 2026-12-31 "
                "({option})."
            ).format(when=word, part=part, option=OPTION)
        ) from None


def parse_plan(text: str, total_fen: int, today: date) -> list[PlanPart]:
    """The parts of ``text`` for a contract worth ``total_fen``; see the module doc."""
    if total_fen <= 0:
        raise InputError(
            _("The contract total is 0: there is nothing to schedule ({option}).").format(
                option=OPTION
            )
        )
    raw_parts = [piece.strip() for piece in re.split(r"[,，;；]", text)]
    if not text.strip() or any(not piece for piece in raw_parts):
        raise _bad(_("The plan has an empty part ({option}).").format(option=OPTION))
    shares: list[tuple[int | None, int | None, str | None, date | None]] = []
    for part in raw_parts:
        share_text, sep, when_text = part.replace("：", ":").partition(":")
        if not sep or not share_text.strip() or not when_text.strip():
            raise _bad(
                _("'{part}' is not SHARE:WHEN, e.g. 30%:sign ({option}).").format(
                    part=part, option=OPTION
                )
            )
        share_text = share_text.strip()
        bp: int | None = None
        amount: int | None = None
        if share_text.endswith(("%", "％")):
            bp = _share_bp(share_text, part)
        else:
            if share_text.lstrip().startswith("-"):
                raise _bad(
                    _("The amount in '{part}' cannot be negative ({option}).").format(
                        part=part, option=OPTION
                    )
                )
            amount = parse_amount(share_text, field=OPTION)
            if amount <= 0:
                raise _bad(
                    _("The amount in '{part}' must be more than 0 ({option}).").format(
                        part=part, option=OPTION
                    )
                )
        event, day = _when(when_text, part, today)
        shares.append((bp, amount, event, day))
    percent_bp = sum(bp for bp, _a, _e, _d in shares if bp is not None)
    fixed_fen = sum(amount for _b, amount, _e, _d in shares if amount is not None)
    # Exactly the total: percent_bp/10000 of it plus the amounts, in whole numbers.
    if percent_bp * total_fen + fixed_fen * WHOLE_BP != total_fen * WHOLE_BP:
        raise _bad(
            _(
                "The plan adds up to {planned} of the contract total; it must be exactly 100% "
                "({option})."
            ).format(
                planned=_planned_text(percent_bp, fixed_fen, total_fen),
                option=OPTION,
            )
        )
    amounts = [
        amount if amount is not None else total_fen * (bp or 0) // WHOLE_BP
        for bp, amount, _e, _d in shares
    ]
    amounts[-1] += total_fen - sum(amounts)  # the rounding remainder: the last part
    parts = []
    for position, ((bp, _a, event, day), amount_fen) in enumerate(
        zip(shares, amounts, strict=True), start=1
    ):
        if amount_fen <= 0:
            raise _bad(
                _("Part {position} of the plan is worth less than one fen ({option}).").format(
                    position=position, option=OPTION
                )
            )
        parts.append(PlanPart(position, amount_fen, bp, event, day))
    return parts


def _planned_text(percent_bp: int, fixed_fen: int, total_fen: int) -> str:
    """The planned share of the total as a percentage, to two decimals (for the message)."""
    planned = (Decimal(percent_bp) / 100) + Decimal(fixed_fen) * 100 / Decimal(total_fen)
    return f"{planned.quantize(Decimal('0.01')).normalize():f}%"
