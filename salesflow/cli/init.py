"""``salesflow init``: create the database and its first admin."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli import context
from salesflow.i18n import _, ngettext

INIT_HELP = _(
    "Create the database (or bring it up to date) and its first admin user. The admin is "
    "named after the current user: --as, SALESFLOW_USER, the config, or your "
    "operating-system login."
)


def init_command(
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help=_(
                "Also load the sample data: the team, 240 leads, their grades, their "
                "activity log and a price list."
            ),
        ),
    ] = False,
    sample_team: Annotated[
        bool,
        typer.Option("--sample-team", help=_("Also load the sample team only (no leads).")),
    ] = False,
) -> None:
    from salesflow.config import source_label
    from salesflow.workflow.setup import initialize
    from salesflow.workflow.users import normalize_username

    resolved = context.settings().user
    source = source_label(resolved.source)
    # Checked before anything is created, so a bad name leaves no database behind.
    username = normalize_username(resolved.value, field=source)
    with context.open_db(create=True) as workspace:
        try:
            with workspace.session(actor_id=None, write=True) as session:
                result = initialize(
                    session,
                    username=username,
                    source=source,
                    sample=sample or sample_team,
                    sample_leads=sample,
                )
        except BaseException:
            workspace.discard_if_created()
            raise
        where = workspace.display_url
    if result.admin_created:
        context.note(_("Created the salesflow database at {where}.").format(where=where))
        context.note(_("Admin user: {name}.").format(name=result.acting))
    else:
        context.note(
            _("The database at {where} is ready; admins: {names}.").format(
                where=where, names=", ".join(result.admins)
            )
        )
    if result.sample_users_added:
        context.note(
            _("Added sample users: {names}.").format(names=", ".join(result.sample_users_added))
        )
    if result.sample_leads_added:
        context.note(
            _(
                "Imported {count} sample leads (batch {batch}), graded {graded} and logged "
                "{activities} activities."
            ).format(
                count=result.sample_leads_added,
                batch=result.sample_batch_id,
                graded=result.sample_leads_graded,
                activities=result.sample_activities_logged,
            )
        )
    if result.sample_products_added:
        context.note(
            ngettext(
                "Added {count} product to the price list.",
                "Added {count} products to the price list.",
                result.sample_products_added,
            ).format(count=result.sample_products_added)
        )
    if result.sample_stage_moves:
        context.note(
            _("Wrote the sample leads' stage history: {count} moves.").format(
                count=result.sample_stage_moves
            )
        )
    deals = result.sample_deals
    if deals is not None and deals.quotes:
        context.note(
            _(
                "Added the sample deals: {quotes} quotes, {contracts} contracts, {receipts} "
                "payments received, {visits} return visits, {tickets} tickets and {targets} "
                "targets."
            ).format(
                quotes=deals.quotes,
                contracts=deals.contracts,
                receipts=deals.receipts,
                visits=deals.visits,
                tickets=deals.tickets,
                targets=deals.targets,
            )
        )
