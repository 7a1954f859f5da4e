"""How ``lead show`` prints one lead: a card of sections for people, codes for scripts.

Sections: customer, contacts, grade breakdown, stage and next step, activities. Tables and
Markdown show labels, local times, national phone numbers and ¥ amounts, the breakdown as
``lead grade`` prints it, and the strategy and coping tip for the customer; JSON is one
object with the stored codes, E.164 phones and exact yuan strings (the breakdown's
criterion codes and raw inputs included); CSV is one ``section,field,value`` line per
value, with codes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.cli.lead.grading import breakdown_columns, breakdown_for_people
from salesflow.cli.output import (
    Column,
    OutputFormat,
    csv_value,
    markdown_table,
    plain,
    shown,
    stdout_console,
)
from salesflow.i18n import N_, _, pgettext
from salesflow.workflow.contacts import format_phone
from salesflow.workflow.glossary import (
    ACTIVITY_KINDS,
    GRADES,
    LOST_REASONS,
    PERSONALITIES,
    SOURCES,
    STAGES,
    VALUE_TYPES,
    label,
)
from salesflow.workflow.money import format_yuan
from salesflow.workflow.rubric import TOTAL_POINTS
from salesflow.workflow.strategies import strategy_for, tip_for

if TYPE_CHECKING:
    from salesflow.workflow.lead_views import LeadCard

SUGGESTED_STEPS = {
    "assign": N_("Assign it to a rep"),
    "first-contact": N_("First contact"),
    "grade": N_("Grade it"),
}
LIFECYCLES = {
    "lead": N_("Lead"),
    "prospect": N_("Prospect"),
    "customer": N_("Customer"),
    "dormant": N_("Dormant"),
}


def money(yuan: str | None) -> str:
    """An exact yuan string ("1234.50") as people read it (¥1,234.50)."""
    if yuan is None:
        return ""
    return format_yuan(int(Decimal(yuan) * 100))


@dataclass
class Line:
    """One value of a section: its key, the label people read, the code and the shown text."""

    key: str
    label: str
    value: Any
    text: str


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str | None = None
    advice: list[str] = field(default_factory=list)  # paragraphs after the rows

    def add(self, key: str, title: str, value: Any, show: Callable[[Any], str] = shown) -> None:
        text = show(value) if value is not None else ""
        self.lines.append(Line(key, title, value, text))


def _rubric_name(ident: str) -> str:
    """'default' (the shipped rubric) in the person's language; custom:<hash> as it is."""
    return _("the default rubric") if ident == "default" else ident


def _region(card: LeadCard) -> str:
    c = card.customer
    return " ".join(part for part in (c.province, c.city, c.county) if part)


def sections(card: LeadCard) -> list[Section]:
    return [
        _customer(card),
        _contacts(card),
        _grade(card),
        _stage(card),
        _activities(card),
    ]


def _customer(card: LeadCard) -> Section:
    customer = Section("customer", _("Customer"))
    c = card.customer
    customer.add("customer_id", _("Customer"), c.id, lambda v: f"C{v}")
    customer.add("name", _("Company"), c.name)
    customer.add("region", _("Region"), _region(card) or None)
    customer.add("industry", _("Industry"), c.industry)
    customer.add("employees", _("Employees"), c.employees)
    customer.add("founded_year", _("Founded"), c.founded_year)
    customer.add("value_type", _("Value type"), c.value_type, lambda v: label(VALUE_TYPES, v))
    customer.add("personality", _("Personality"), c.personality, lambda v: label(PERSONALITIES, v))
    customer.add("lifecycle", _("Lifecycle"), c.lifecycle, lambda v: _(LIFECYCLES.get(v, v)))
    customer.add("owner", _("Customer owner"), c.owner or None)
    customer.add("notes", _("Customer notes"), c.notes)
    return customer


def _contacts(card: LeadCard) -> Section:
    contacts = Section(
        "contacts",
        _("Contacts"),
        columns=[
            Column("name", pgettext("person", "Name")),
            Column("title", pgettext("job", "Title")),
            Column("phone", _("Phone")),
            Column("email", _("Email")),
            Column("wechat", _("WeChat")),
            Column("decision_maker", _("Decision maker")),
            Column("primary", _("This lead's contact")),
        ],
        empty=_("No contact recorded yet."),
    )
    for person in card.contacts:
        contacts.rows.append(
            [
                person.name,
                person.title or "",
                format_phone(person.phone),
                person.email or "",
                person.wechat or "",
                _("yes") if person.decision_maker else "",
                _("yes") if person.primary else "",
            ]
        )
    return contacts


def _grade(card: LeadCard) -> Section:
    columns = breakdown_columns()
    grade = Section(
        "grade",
        _("Grade breakdown"),
        columns=columns,
        empty=_("Not graded yet: 'salesflow lead grade {id}'.").format(id=card.id),
    )
    g = card.grading
    if g is not None:
        grade.add("grade", _("Grade"), g.grade, lambda v: label(GRADES, v))
        grade.add("score", _("Score"), g.score, lambda v: f"{v}/{TOTAL_POINTS}")
        grade.add("graded_at", _("Graded"), g.graded_at)
        grade.add("graded_by", _("Graded by"), g.graded_by)
        grade.add("rubric", _("Rubric"), g.rubric, _rubric_name)
        grade.add("history", _("Gradings"), card.grade_history)
        grade.add("value_type", _("Value type"), g.value_type, lambda v: label(VALUE_TYPES, v))
        grade.add("personality", _("Personality"), g.personality, lambda v: label(PERSONALITIES, v))
        grade.rows = [
            [shown(row.get(column.key)) for column in columns]
            for row in breakdown_for_people(g.breakdown, g.score)
        ]
        grade.empty = None
    grade.advice = _advice(card)
    return grade


def _advice(card: LeadCard) -> list[str]:
    """The strategy and coping tip for the customer as it is now (else as last graded)."""
    graded = card.grading
    value_type = card.customer.value_type or (graded.value_type if graded else None)
    personality = card.customer.personality or (graded.personality if graded else None)
    advice: list[str] = []
    strategy = strategy_for(value_type)
    if strategy:
        advice.append(
            _("Strategy ({value_type}): {text}").format(
                value_type=label(VALUE_TYPES, value_type), text=strategy
            )
        )
    tip = tip_for(personality)
    if tip:
        advice.append(
            _("Coping tip ({personality}): {text}").format(
                personality=label(PERSONALITIES, personality), text=tip
            )
        )
    return advice


def _stage(card: LeadCard) -> Section:
    stage = Section("stage", _("Stage and next step"))
    stage.add("id", _("Lead"), card.id)
    stage.add("stage", _("Stage"), card.stage, lambda v: label(STAGES, v))
    stage.add("source", _("Source"), card.source, lambda v: label(SOURCES, v))
    stage.add("referrer", _("Referred by"), card.referrer)
    stage.add("need", _("Need"), card.need)
    stage.add("amount", _("Amount"), card.amount, money)
    stage.add("expected_close", _("Expected close"), card.expected_close)
    owner = f"{card.owner} ({card.owner_name})" if card.owner else _("unassigned")
    if card.assignment_overdue:
        owner += " " + _("⚠ waiting for assignment for more than a working day")
    stage.add("owner", _("Owner"), card.owner or "", lambda _v: owner)
    step = card.next_step
    if step is not None:
        action = step.action or ""
        if step.suggested:
            action = _("{action} (suggested)").format(action=_(SUGGESTED_STEPS.get(action, action)))
        stage.add("next_step_date", _("Next step due"), step.date)
        stage.add("next_step_action", _("Next step"), step.action, lambda _v: action)
    stage.add("lost_reason", _("Lost reason"), card.lost_reason, lambda v: label(LOST_REASONS, v))
    stage.add("competitor", _("Competitor"), card.competitor)
    if card.import_batch_id is not None:
        batch = f"{card.import_batch_id} ({card.import_file})" if card.import_file else None
        stage.add(
            "import_batch", _("Import batch"), card.import_batch_id, lambda v: batch or str(v)
        )
    stage.add("external_ref", _("External ID"), card.external_ref)
    stage.add("created_at", _("Created"), card.created_at)
    stage.add("created_by", _("Created by"), card.created_by)
    stage.add("updated_at", _("Updated"), card.updated_at)
    stage.add("closed_at", _("Closed"), card.closed_at)
    stage.add("notes", _("Notes"), card.notes)
    return stage


def _activities(card: LeadCard) -> Section:
    activities = Section(
        "activities",
        _("Activities"),
        columns=[
            Column("occurred_at", _("When")),
            Column("kind", _("Kind")),
            Column("user", _("By")),
            Column("summary", _("Summary")),
            Column("outcome", _("Outcome")),
            Column("next_step", _("Next step")),
        ],
        empty=_("No activities logged yet."),
    )
    for activity in card.activities:
        step = " ".join(
            part for part in (shown(activity.next_date), activity.next_action or "") if part
        )
        activities.rows.append(
            [
                shown(activity.occurred_at),
                label(ACTIVITY_KINDS, activity.kind),
                activity.user or "",
                activity.summary,
                activity.outcome or "",
                step,
            ]
        )
    return activities


def _heading(card: LeadCard) -> str:
    return _("Lead {id} · {company}").format(id=card.id, company=card.customer.name)


def render_card(card: LeadCard, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        data = asdict(card)
        sys.stdout.write(json.dumps(data, default=plain, ensure_ascii=False, indent=2) + "\n")
        return
    parts = sections(card)
    if fmt is OutputFormat.csv:
        _csv(card, parts)
    elif fmt is OutputFormat.markdown:
        sys.stdout.write(_markdown(card, parts))
    else:
        _table(card, parts)


def _csv(card: LeadCard, parts: Sequence[Section]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["section", "field", "value"])
    for part in parts:
        for line in part.lines:
            writer.writerow([part.key, line.key, csv_value(line.value)])
    for contact in card.contacts:
        for key, value in asdict(contact).items():
            writer.writerow([f"contact {contact.id}", key, csv_value(value)])
    if card.grading is not None:
        for entry in card.grading.breakdown:
            for key, value in asdict(entry).items():
                if key != "criterion":
                    writer.writerow([f"grade {entry.criterion}", key, csv_value(value)])


def _visible(lines: Sequence[Line]) -> list[Line]:
    return [line for line in lines if line.text]


def _markdown(card: LeadCard, parts: Sequence[Section]) -> str:
    out = [f"## {_heading(card)}\n"]
    for part in parts:
        out.append(f"\n### {part.title}\n\n")
        lines = _visible(part.lines)
        if lines:
            out.append(markdown_table([_("Field"), _("Value")], [[x.label, x.text] for x in lines]))
        if part.rows:
            if lines:
                out.append("\n")
            out.append(markdown_table([column.header for column in part.columns], part.rows))
        elif part.empty and not lines:
            out.append(part.empty + "\n")
        out.extend(f"\n{paragraph}\n" for paragraph in part.advice)
    return "".join(out)


def _table(card: LeadCard, parts: Sequence[Section]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    console.print(Text(_heading(card), style="bold"))
    for part in parts:
        console.print()
        console.print(Text(part.title, style="bold underline"))
        lines = _visible(part.lines)
        if lines:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="dim")
            grid.add_column(overflow="fold")
            for line in lines:
                grid.add_row(Text(line.label), Text(line.text))
            console.print(grid)
        if part.rows:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False)
            for column in part.columns:
                table.add_column(column.header, justify=column.justify, overflow="fold")
            for row in part.rows:
                table.add_row(*(Text(cell) for cell in row))
            console.print(table)
        elif part.empty and not lines:
            console.print(Text(part.empty))
        for paragraph in part.advice:
            console.print()
            console.print(Text(paragraph))
