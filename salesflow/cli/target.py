"""``salesflow target``: set sales targets (销售目标) and show their attainment.

``target set`` writes one person's or one team's target for a week, month, quarter or
year (asking in a terminal for a missing period or amount; with ``--no-input`` or without
a terminal a missing value is an error naming its option) and prints the target's number.
``target show`` prints the running targets the actor may see, or, with ``--period``, every
seller and team in view with the period's target (exact or worked out), what they signed
and collected, and the attainment -- as a report document in any ``--format``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import FormatOption, OutputFormat
from salesflow.cli.report_options import period_name
from salesflow.i18n import _, format_date, help_format

if TYPE_CHECKING:
    from salesflow.cli.report_output import Block, Kind, ReportDocument
    from salesflow.workflow.report_periods import ReportPeriod
    from salesflow.workflow.target_setting import PeriodView, Subject, TargetRow

app = groups.target

PERIOD_FORMS = "2026-W47, 2026-11, 2026-Q4, 2026"

UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user", metavar="USER", help=_("A person's target (a rep, manager or director).")
    ),
]
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team",
        metavar="HEAD",
        help=_(
            "A team's target: name its head, a manager or director (the team is them and "
            "everyone below them)."
        ),
    ),
]


def _ask_missing(
    user: str | None, team: str | None, period: str | None, amount: str | None
) -> tuple[str, str]:
    """The period and amount, asked in a terminal once it is clear that the actor may set
    the target; without a terminal a missing one is an error naming its option."""
    from salesflow.cli.prompts import ask_validated, check_with
    from salesflow.workflow.target_setting import (
        parse_target_amount,
        parse_target_period,
        target_subject,
    )

    if period is not None:
        parse_target_period(period)
    if amount is not None:
        parse_target_amount(amount)
    # Whether the actor may set this target is said before anything is asked or missed.
    with context.acting() as (session, actor):
        target_subject(session, actor, user=user, team=team)
    if period is None:
        period = ask_validated(
            _("For which period? ({forms})").format(forms=PERIOD_FORMS),
            option="--period",
            check=check_with(parse_target_period),
            required=True,
        )
    if amount is None:
        amount = ask_validated(
            _("The target in yuan (for example 500000, 500,000.00 or 50万):"),
            option="--amount",
            check=check_with(parse_target_amount),
            required=True,
        )
    return period, amount


@app.command(
    "set",
    help=_(
        "Set the target of a person (--user) or a team (--team) for a week, month, quarter "
        "or year; setting it again replaces the amount. Directors and admins set any "
        "target, managers those of the people and teams below them."
    ),
)
def set_(
    user: UserOpt = None,
    team: TeamOpt = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help=help_format(
                "The period: {forms} (also 2026年11月, 2026年Q4).", forms=PERIOD_FORMS
            ),
        ),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            metavar="YUAN",
            help=_("The contract value to sign, in yuan (500000, 500,000.00 or 50万)."),
        ),
    ] = None,
) -> None:
    from salesflow.workflow.money import format_yuan
    from salesflow.workflow.target_setting import set_target, subject_name

    if period is None or amount is None:
        period, amount = _ask_missing(user, team, period, amount)
    with context.acting(write=True) as (session, actor):
        result = set_target(session, actor, user=user, team=team, period=period, amount=amount)
    print(result.target_id)
    name = subject_name(result.subject)
    if result.previous_fen is None:
        context.note(
            _("Set the {period} target of {subject}: {amount}.").format(
                period=period_name(result.period),
                subject=name,
                amount=format_yuan(result.amount_fen),
            )
        )
    else:
        context.note(
            _("Changed the {period} target of {subject}: {old} -> {amount}.").format(
                period=period_name(result.period),
                subject=name,
                old=format_yuan(result.previous_fen),
                amount=format_yuan(result.amount_fen),
            )
        )


# ---------------------------------------------------------------------------------------
# target show


def _kinds() -> tuple[Kind, Kind, Kind, Kind]:
    """How a subject, its kind, a basis and an attainment bar read (JSON: codes)."""
    from salesflow.cli.report_output import PERCENT, Kind
    from salesflow.workflow.target_setting import TEAM, subject_name

    def subject_kind(code: str) -> str:
        return _("Team") if code == TEAM else _("Person")

    def basis(code: str) -> str:
        return _("exact") if code == "exact" else _("derived")

    subject = Kind(lambda s: s.person.username, subject_name)
    return subject, Kind(str, subject_kind), Kind(str, basis), PERCENT


def _bar_key(subject: Subject, period: str | None) -> str:
    key = f"{subject.kind}:{subject.person.username}"
    return key if period is None else f"{key}:{period}"


def _blocks(rows: list[TargetRow], *, stored: bool) -> list[Block]:
    from salesflow.cli.report_output import (
        DAY,
        MONEY,
        PERCENT,
        TEXT,
        Bar,
        ChartBlock,
        Field,
        TableBlock,
    )

    subject, subject_kind, basis, tenths = _kinds()
    fields = [Field("subject", _("Subject"), subject), Field("kind", _("Kind"), subject_kind)]
    if stored:
        fields += [
            Field("period", _("Period"), TEXT),
            Field("from", _("From"), DAY),
            Field("to", _("To"), DAY),
        ]
    fields += [Field("target", _("Target"), MONEY)]
    if not stored:
        fields += [Field("basis", _("Basis"), basis)]
    fields += [
        Field("signed", _("Signed"), MONEY),
        Field("collected", _("Collected"), MONEY),
        Field("attainment_pct", _("Attainment"), PERCENT),
    ]
    table_rows = [
        {
            "subject": row.subject,
            "kind": row.subject.kind,
            "period": row.period,
            "from": row.starts_on,
            "to": row.ends_on,
            "target": row.target_fen,
            "basis": row.basis,
            "signed": row.signed_fen,
            "collected": row.collected_fen,
            "attainment_pct": row.attainment,
        }
        for row in rows
    ]
    from salesflow.workflow.target_setting import subject_name

    bars = [
        Bar(
            _bar_key(row.subject, row.period if stored else None),
            subject_name(row.subject) + (f" {row.period}" if stored else ""),
            row.attainment,
        )
        for row in rows
        if row.attainment is not None
    ]
    return [
        TableBlock(
            "targets",
            _("Targets"),
            fields,
            table_rows,
            empty=_("No targets. 'salesflow target set' sets one."),
        ),
        ChartBlock("attainment", _("Attainment (signed / target)"), bars, tenths),
    ]


def _view_meta(view: PeriodView) -> dict[str, Any]:
    return {
        "scope": {
            "kind": view.kind,
            "user": view.head.username,
            "everyone": view.everyone,
            "unassigned": False,
        }
    }


def _period_document(view: PeriodView, period: ReportPeriod, rows: list[TargetRow]) -> Any:
    from salesflow.cli.report_options import period_meta
    from salesflow.cli.report_output import ReportDocument

    return ReportDocument(
        report="targets",
        title=_("Sales targets {period} ({start} to {end})").format(
            period=period_name(period), start=format_date(period.start), end=format_date(period.end)
        ),
        meta={**period_meta(period), **_view_meta(view)},
        blocks=_blocks(rows, stored=False),
    )


def _stored_document(rows: list[TargetRow], today: date, every: bool) -> ReportDocument:
    from salesflow.cli.report_output import ReportDocument

    subtitle = (
        _("Every stored target you may see.")
        if every
        else _("Targets running on {day}; --all shows every stored target.").format(
            day=format_date(today)
        )
    )
    return ReportDocument(
        report="targets",
        title=_("Sales targets"),
        meta={"today": today.isoformat(), "all": every},
        subtitle=subtitle,
        blocks=_blocks(rows, stored=True),
    )


@app.command(
    "show",
    help=_(
        "Show targets with what was signed and collected and the attainment: the running "
        "targets you may see, or with --period every seller and team in your view."
    ),
)
def show(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help=help_format(
                "One period ({forms}): each person's and team's target for it, set for "
                "it exactly or worked out from month, quarter and year targets.",
                forms=PERIOD_FORMS,
            ),
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="USER", help=_("Only this person's targets.")),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option(
            "--team",
            metavar="HEAD",
            help=_("Only this team's targets (name its head) and those of the people in it."),
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help=_("Every stored target, not only the running ones.")),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.cli.report_output import render_document
    from salesflow.workflow.errors import InputError
    from salesflow.workflow.target_setting import (
        parse_target_period,
        period_rows,
        period_view,
        stored_targets,
    )

    if period is not None and every:
        raise InputError(
            _("--all lists stored targets; it does not go with --period."),
            hint=_("Leave out one of them."),
        )
    if period is None:
        today = date.today()
        with context.acting() as (session, actor):
            rows = stored_targets(session, actor, user=user, team=team, every=every, today=today)
        render_document(_stored_document(rows, today, every), fmt)
        return
    span = parse_target_period(period)
    with context.acting() as (session, actor):
        view = period_view(session, actor, user=user, team=team)
        rows = period_rows(session, view, span)
    render_document(_period_document(view, span, rows), fmt)
