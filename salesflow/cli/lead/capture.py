"""``salesflow lead add``: the guided capture of a new lead (客户开发).

Every answer of the wizard is also an option, so scripts pass them all with ``--no-input``.
In a terminal, whatever is missing is asked for, each answer checked as it is typed with
the same rules the workflow applies; a duplicate (撞单) is caught as soon as the company,
phone or email is entered, not after the whole form.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.cli.lead import fields
from salesflow.cli.lead.app import app
from salesflow.cli.lead.fields import lead_input_from
from salesflow.cli.output import Column, FormatOption, OutputFormat, render_record
from salesflow.i18n import N_, _, format_date
from salesflow.workflow.glossary import SOURCES, STAGES, label

if TYPE_CHECKING:
    from salesflow.store.database import Workspace
    from salesflow.workflow.capture import CaptureResult
    from salesflow.workflow.lead_input import LeadInput


# The wizard's questions, in the order of the sales manuals' intake form.
QUESTIONS: list[tuple[str, str]] = [
    ("company", N_("Company name")),
    ("contact", N_("Contact person")),
    ("title", N_("Their title")),
    ("phone", N_("Phone (mobile, or landline with area code)")),
    ("email", N_("Email")),
    ("wechat", N_("WeChat ID")),
    ("province", N_("Province")),
    ("city", N_("City")),
    ("county", N_("County or district")),
    ("industry", N_("Industry")),
    ("employees", N_("Employees")),
    ("founded_year", N_("Year founded")),
    ("source", N_("Source channel")),
    ("referrer", N_("Referred by (a customer or a person)")),
    ("need", N_("What do they need?")),
    ("amount", N_("Estimated amount (yuan; 12万 works)")),
    ("notes", N_("Notes")),
    ("owner", N_("Owner")),
]
REQUIRED = frozenset({"company", "source"})
NEXT_STEP_TEXT = {
    "assign": N_("a manager assigns it by {due} (salesflow lead assign {id} --to USER)"),
    "first-contact": N_("first contact by {due}, then grade it (salesflow lead grade {id})"),
    "grade": N_("grade it (salesflow lead grade {id})"),
}


def next_step_text(code: str, due: date, lead_id: int) -> str:
    template = NEXT_STEP_TEXT.get(code, code)
    return _(template).format(due=format_date(due), id=lead_id)


@app.command("add", help=_("Capture a new lead: asks for what is missing, or takes options."))
def add(
    company: fields.Company = None,
    contact: fields.Contact = None,
    title: fields.Title = None,
    phone: fields.Phone = None,
    email: fields.Email = None,
    wechat: fields.Wechat = None,
    province: fields.Province = None,
    city: fields.City = None,
    county: fields.County = None,
    industry: fields.Industry = None,
    employees: fields.Employees = None,
    founded_year: fields.FoundedYear = None,
    source: fields.Source = None,
    referrer: fields.Referrer = None,
    need: fields.Need = None,
    amount: fields.Amount = None,
    notes: fields.Notes = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help=_("Owner (default: you); '-' leaves it unassigned.")),
    ] = None,
    attach_to: Annotated[
        str | None,
        typer.Option(
            "--attach-to",
            metavar="CUSTOMER",
            help=_("Add the lead to this customer of yours (number or company name)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.capture import add_lead

    raw = lead_input_from(locals())
    from salesflow.cli.prompts import can_prompt

    with context.open_db() as workspace:
        missing = {"source"} | (set() if attach_to else {"company"})
        if can_prompt() and any(getattr(raw, name) is None for name in missing):
            raw = _wizard(workspace, raw, attach_to=attach_to)
        with context.acting_in(workspace, write=True) as (session, actor):
            result = add_lead(session, actor, raw, attach_to=attach_to)
            _report(result, fmt)


def _report(result: CaptureResult, fmt: OutputFormat) -> None:
    from salesflow.workflow.capture import describe_match, reason_label

    lead, customer = result.lead, result.customer
    assert lead.id is not None
    step = result.next_step
    session = _session_of(lead)
    warnings = [
        {
            "customer_id": m.customer_id,
            "company": m.customer_name,
            "owner": m.owner,
            "reason": m.reason,
            "score": m.score,
            "record": describe_match(session, m) if session is not None else m.customer_name,
        }
        for m in result.warnings
    ]
    data: dict[str, Any] = {
        "id": lead.id,
        "customer_id": customer.id,
        "company": customer.name,
        "owner": result.owner,
        "source": lead.source,
        "stage": lead.stage,
        "attached": result.attached,
        "next_step": step.code if step else None,
        "next_step_due": step.due if step else None,
    }
    if fmt is OutputFormat.json:
        data["similar"] = [{k: v for k, v in w.items() if k != "record"} for w in warnings]
        data["next_step"] = (
            {"code": step.code, "due": step.due.isoformat()} if step is not None else None
        )
        data.pop("next_step_due")
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.table:
        print(lead.id)  # just the number, so a script can capture it
    else:
        render_record(data, _added_columns(), fmt)
    for warning in warnings:
        context.note(
            _("Similar customer: {record}, owner {owner} ({why}, {score}).").format(
                record=warning["record"],
                owner=warning["owner"] or _("unassigned"),
                why=reason_label(str(warning["reason"])),
                score=warning["score"],
            )
        )
    owner = result.owner or _("unassigned")
    context.note(
        _("Added lead {id}: {company} (customer {customer}), owner {owner}.").format(
            id=lead.id, company=customer.name, customer=customer.id, owner=owner
        )
    )
    if step is not None:
        context.note(
            _("Next step: {step}.").format(step=next_step_text(step.code, step.due, lead.id))
        )


def _added_columns() -> list[Column]:
    return [
        Column("id", _("Lead")),
        Column("customer_id", _("Customer")),
        Column("company", _("Company")),
        Column("owner", _("Owner")),
        Column("source", _("Source"), show=lambda code: label(SOURCES, code)),
        Column("stage", _("Stage"), show=lambda code: label(STAGES, code)),
        Column("attached", _("Attached")),
        Column("next_step", _("Next step")),
        Column("next_step_due", _("Due")),
    ]


def _session_of(obj: Any) -> Any:
    from sqlalchemy.orm import object_session

    return object_session(obj)


def _check(field: str, value: str, so_far: LeadInput) -> str | None:
    """The problem with one answer, or ``None``: the same rules as saving."""
    from salesflow.workflow.errors import SalesflowError
    from salesflow.workflow.lead_input import LeadInput, clean_lead

    probe = LeadInput(**{field: value})
    if field in {"title", "phone", "email", "wechat"}:
        probe.contact = so_far.contact or "?"
    if field in {"city", "county"}:
        probe.province = so_far.province
        probe.city = so_far.city if field == "county" else value
    try:
        clean_lead(probe, require=frozenset({field}) & REQUIRED)
    except SalesflowError as exc:
        return exc.message
    return None


def _conflict(workspace: Workspace, raw: LeadInput, attach_to: str | None) -> str | None:
    """An exact duplicate of what has been typed so far, as the refusal message."""
    from salesflow.workflow.capture import refuse_exact
    from salesflow.workflow.duplicates import find_matches
    from salesflow.workflow.errors import SalesflowError
    from salesflow.workflow.lead_input import clean_lead

    with context.acting_in(workspace) as (session, actor):
        try:
            clean = clean_lead(raw, require=frozenset())
            matches = find_matches(
                session,
                name_key=clean.name_key if attach_to is None else None,
                phones=[clean.phone] if clean.phone else [],
                emails=[clean.email] if clean.email else [],
            )
            exact = [m for m in matches if m.exact]
            if exact:
                refuse_exact(session, exact[0], actor.id, editing=False)
        except SalesflowError as exc:
            return exc.message + (f" {exc.hint}" if exc.hint else "")
    return None


def _owner_choices(workspace: Workspace) -> tuple[list[tuple[str, str]], str | None]:
    """Whom the acting user may give the lead to, and the default (no choices: not asked)."""
    from salesflow.workflow.assignment import assignable_users, may_assign
    from salesflow.workflow.capture import owns_by_default

    with context.acting_in(workspace) as (session, actor):
        if not may_assign(actor):
            return [], None
        choices = [(u.username, u.display_name) for u in assignable_users(session, actor)]
        choices.append(("-", _("unassigned (pool)")))
        return choices, actor.username if owns_by_default(actor) else "-"


def _wizard(workspace: Workspace, raw: LeadInput, *, attach_to: str | None) -> LeadInput:
    """Ask for each value not given as an option, checking each answer as it comes."""
    from salesflow.cli.prompts import ask_select, ask_validated

    answers = {f.name: getattr(raw, f.name) for f in dataclasses.fields(raw)}

    def current() -> LeadInput:
        from salesflow.workflow.lead_input import LeadInput

        return LeadInput(**answers)

    for name, question in QUESTIONS:
        if answers.get(name) is not None:
            continue
        if name == "company" and attach_to:
            continue
        if name == "referrer" and answers.get("source") != "referral":
            continue
        if name in {"title", "phone", "email", "wechat"} and not answers.get("contact"):
            continue
        if name == "county" and not answers.get("city"):
            continue
        if name == "source":
            answers[name] = ask_select(
                _(question),
                [(code, label(SOURCES, code)) for code in SOURCES],
                option="--source",
            )
            continue
        if name == "owner":
            choices, default = _owner_choices(workspace)
            if choices:
                answers[name] = ask_select(_(question), choices, option="--owner", default=default)
            continue
        required = name in REQUIRED or (name == "referrer")
        check = _answer_check(workspace, name, answers, current, attach_to)
        answer = ask_validated(
            _(question),
            option="--" + name.replace("_", "-"),
            check=check,
            required=required,
            choices=_completions(name, answers),
        )
        answers[name] = answer or None
    return current()


def _answer_check(
    workspace: Workspace,
    name: str,
    answers: dict[str, Any],
    current: Callable[[], LeadInput],
    attach_to: str | None,
) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        value = text.strip()
        if not value:
            if name in REQUIRED or name == "referrer":
                return _("A value is required.")
            return None
        problem = _check(name, value, current())
        if problem is None and name in {"company", "phone", "email"}:
            trial = current()
            setattr(trial, name, value)
            problem = _conflict(workspace, trial, attach_to)
        return problem

    return check


def _completions(name: str, answers: dict[str, Any]) -> list[str] | None:
    """Official place names to complete, narrowed to the province or city chosen."""
    if name not in {"province", "city", "county"}:
        return None
    from salesflow.workflow.regions import divisions, normalize_region

    provinces = divisions()
    if name == "province":
        return [p.name for p in provinces]
    try:
        region = normalize_region(answers.get("province"), answers.get("city"))
    except Exception:  # a bad earlier answer: no completions, the check will say why
        return None
    if region is None:
        return None
    for province in provinces:
        if province.name != region.province:
            continue
        if name == "city":
            return [c.name for c in province.children]
        for city in province.children:
            if city.name == region.city:
                return [c.name for c in city.children]
    return None
