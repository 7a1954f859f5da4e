"""``salesflow lead duplicates`` and ``salesflow lead merge``: the duplicates (撞单) in the data.

``duplicates`` lists clusters of customers that look like one company; ``merge`` folds
duplicate leads into the one to keep. The rules live in
:mod:`salesflow.workflow.duplicate_scan` and :mod:`salesflow.workflow.merging`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.cli.lead.app import app
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _, ngettext

if TYPE_CHECKING:
    from salesflow.workflow.duplicate_scan import Cluster, ClusterMember
    from salesflow.workflow.merging import MergePlan, MergeResult, Reference


def _reason_text(member: ClusterMember, *, labels: bool) -> str:
    parts = []
    for code in member.reasons:
        if labels:
            from salesflow.workflow.capture import reason_label

            text = reason_label(code)
        else:
            text = code
        if code == "similar-name" and member.similarity is not None:
            text += f" {member.similarity:g}"
        parts.append(text)
    return ", ".join(parts)


def _leads_text(member: ClusterMember, *, labels: bool) -> str:
    from salesflow.workflow.glossary import STAGES, label

    if labels:
        return ", ".join(f"{lead.id} ({label(STAGES, lead.stage)})" for lead in member.leads)
    return " ".join(f"{lead.id}:{lead.stage}" for lead in member.leads)


def _cluster_rows(clusters: list[Cluster], *, labels: bool) -> list[dict[str, Any]]:
    return [
        {
            "cluster": number,
            "customer_id": member.customer_id,
            "company": member.name,
            "owner": member.owner,
            "leads": _leads_text(member, labels=labels),
            "reason": _reason_text(member, labels=labels),
        }
        for number, cluster in enumerate(clusters, start=1)
        for member in cluster.members
    ]


def _cluster_json(clusters: list[Cluster]) -> list[dict[str, Any]]:
    return [
        {
            "cluster": number,
            "exact": cluster.exact,
            "customers": [
                {
                    "customer_id": member.customer_id,
                    "company": member.name,
                    "owner": member.owner,
                    "leads": [{"id": lead.id, "stage": lead.stage} for lead in member.leads],
                    "reasons": list(member.reasons),
                    "similarity": member.similarity,
                }
                for member in cluster.members
            ],
            "links": [
                {
                    "customers": [link.first, link.second],
                    "reason": link.reason,
                    "score": link.score,
                }
                for link in cluster.links
            ],
        }
        for number, cluster in enumerate(clusters, start=1)
    ]


@app.command(
    "duplicates",
    help=_(
        "List customers that look like one company (撞单): same name, phone or email, "
        "or a similar name."
    ),
)
def duplicates(
    exact_only: Annotated[
        bool,
        typer.Option("--exact-only", help=_("Only same name, phone or email; no similar names.")),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help=_("Show at most N clusters."))
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    import json

    from salesflow.workflow.duplicate_scan import find_duplicate_clusters

    with context.acting() as (session, actor):
        clusters = find_duplicate_clusters(session, actor, fuzzy=not exact_only, limit=limit)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(_cluster_json(clusters), ensure_ascii=False, indent=2) + "\n")
        return
    columns = [
        Column("cluster", _("Cluster"), justify="right"),
        Column("customer_id", _("Customer"), justify="right"),
        Column("company", _("Company")),
        Column("owner", _("Owner")),
        Column("leads", _("Leads")),
        Column("reason", _("Why")),
    ]
    labels = fmt in (OutputFormat.table, OutputFormat.markdown)
    render(
        _cluster_rows(clusters, labels=labels),
        columns,
        fmt,
        empty_message=_("No duplicates found."),
    )


def _moves(
    *, contacts: int, merged_contacts: int, leads: int, rows: dict[Reference, int]
) -> list[str]:
    """'2 contacts, 1 other lead, 3 gradings': the non-zero counts, in words."""
    parts = []
    if contacts:
        parts.append(ngettext("{n} contact", "{n} contacts", contacts).format(n=contacts))
    if merged_contacts:
        parts.append(
            ngettext(
                "{n} contact merged into an existing one",
                "{n} contacts merged into existing ones",
                merged_contacts,
            ).format(n=merged_contacts)
        )
    if leads:
        parts.append(ngettext("{n} other lead", "{n} other leads", leads).format(n=leads))
    parts += [reference.count_text(n) for reference, n in rows.items() if n]
    return parts


def describe_plan(plan: MergePlan) -> list[str]:
    """What a merge will do, one line each, for the person to confirm."""
    from salesflow.workflow.glossary import STAGES, label

    keep, customer = plan.keep, plan.keep_customer
    lines = [
        _("Keep lead {id}, {company}: stage {stage}, customer {customer}, owner {owner}.").format(
            id=keep.id,
            company=customer.name,
            stage=label(STAGES, keep.stage),
            customer=customer.id,
            owner=plan.owners.get(keep.id or 0) or "-",
        )
    ]
    for lead in plan.others:
        lines.append(
            _(
                "Merge lead {id} into it and delete it: stage {stage}, customer {customer}, "
                "owner {owner}."
            ).format(
                id=lead.id,
                stage=label(STAGES, lead.stage),
                customer=lead.customer_id,
                owner=plan.owners.get(lead.id or 0) or "-",
            )
        )
    moving = [ref.count_text(n) for ref, n in plan.moving_rows.items() if n]
    if moving:
        lines.append(_("Moves to lead {id}: {what}.").format(id=keep.id, what=", ".join(moving)))
    dropped = [ref.count_text(n) for ref, n in plan.deleting_rows.items() if n]
    if dropped:
        lines.append(
            _("Deletes the merged leads' own stage history: {what}.").format(
                what=", ".join(dropped)
            )
        )
    to_customer = _moves(
        contacts=sum(1 for move in plan.contacts if move.into is None),
        merged_contacts=sum(1 for move in plan.contacts if move.into is not None),
        leads=len(plan.moving_leads),
        rows=plan.references,
    )
    if to_customer:
        lines.append(
            _("Moves to customer {id}: {what}.").format(id=customer.id, what=", ".join(to_customer))
        )
    for other in plan.other_customers:
        lines.append(_("Deletes customer {id} {name}.").format(id=other.id, name=other.name))
    if plan.lead_fills:
        lines.append(
            _("Fills empty fields of lead {id}: {fields}.").format(
                id=keep.id, fields=", ".join(plan.lead_fills)
            )
        )
    if plan.customer_fills:
        lines.append(
            _("Fills empty fields of customer {id}: {fields}.").format(
                id=customer.id, fields=", ".join(plan.customer_fills)
            )
        )
    return lines


def summary(result: MergeResult) -> str:
    """One line on what a merge did."""
    done = _moves(
        contacts=result.contacts_moved,
        merged_contacts=result.contacts_merged,
        leads=len(result.moved_leads),
        rows={**result.moved_rows, **result.references},
    )
    merged = len(result.merged)
    text = ngettext(
        "Merged lead {others} into lead {keep}.", "Merged leads {others} into lead {keep}.", merged
    ).format(others=", ".join(str(i) for i in result.merged), keep=result.keep_id)
    if done:
        text += " " + _("Moved: {what}.").format(what=", ".join(done))
    dropped = [ref.count_text(n) for ref, n in result.deleted_rows.items() if n]
    if dropped:
        text += " " + _("Deleted their own stage history: {what}.").format(what=", ".join(dropped))
    deleted = result.customers_deleted
    if deleted:
        text += " " + ngettext(
            "Deleted customer {ids}.", "Deleted customers {ids}.", len(deleted)
        ).format(ids=", ".join(str(i) for i in deleted))
    return text


@app.command(
    "merge",
    help=_(
        "Merge duplicate leads into KEEP: contacts, grade history and references move to it, "
        "the others are deleted; audited."
    ),
)
def merge(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help=_("The lead to keep, e.g. 9 or L9."))],
    others: Annotated[
        list[str],
        typer.Argument(metavar="OTHER", help=_("The leads merged into KEEP and then deleted.")),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help=_("Merge without asking for confirmation."))
    ] = False,
) -> None:
    from salesflow.cli.prompts import ask_confirm, can_prompt
    from salesflow.workflow.errors import InputError
    from salesflow.workflow.lead_access import parse_lead_id
    from salesflow.workflow.merging import merge_leads, plan_merge

    keep_id = parse_lead_id(keep, field="KEEP")
    other_ids = [parse_lead_id(other, field="OTHER") for other in others]
    if not yes:
        with context.acting() as (session, actor):
            lines = describe_plan(plan_merge(session, actor, keep_id, other_ids))
        if not can_prompt():
            raise InputError(
                _("Merging deletes leads; confirm it with --yes."),
                hint=_("Pass --yes; there is no terminal to ask in (or --no-input was given)."),
            )
        for line in lines:
            context.note(line)
        if not ask_confirm(_("Merge these leads?"), option="--yes"):
            context.note(_("Nothing merged."))
            raise typer.Exit(1)
    with context.acting(write=True) as (session, actor):
        result = merge_leads(session, actor, keep_id, other_ids)
    context.note(summary(result))
    print(result.keep_id)
