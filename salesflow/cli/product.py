"""``salesflow product``: the price list (价格表): add, list, show, edit and import products.

Everyone reads the price list; directors and admins change it. ``product add`` asks, in a
terminal, for what is missing and prints the new product's id on stdout. ``product list``
shows ¥ prices to people and exact yuan strings in JSON and CSV. ``product import`` reads a
.csv or .xlsx file with English or Chinese headers: every row is valid or nothing is
written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render, render_record
from salesflow.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from salesflow.store.models import Product

app = groups.product

SKU_HELP = _("The product's SKU (货号), e.g. ERP-STD; any case.")
NAME_HELP = _("The product name, e.g. 企业ERP标准版.")
UNIT_HELP = _("The unit one price is for: 套, 台, 个, 年, license, user/year.")
PRICE_HELP = _("The list price in yuan, e.g. 12800, 12,800.00 or 1.28万.")
TAX_HELP = _("The tax rate as a percentage: 13% (goods, software), 6% (services), 0%.")
CATEGORY_HELP = _("The category, e.g. software, hardware, service.")

Sku = Annotated[str | None, typer.Option("--sku", metavar="SKU", help=SKU_HELP)]
Name = Annotated[str | None, typer.Option("--name", metavar="TEXT", help=NAME_HELP)]
Unit = Annotated[str | None, typer.Option("--unit", metavar="UNIT", help=UNIT_HELP)]
Price = Annotated[str | None, typer.Option("--price", metavar="YUAN", help=PRICE_HELP)]
TaxRate = Annotated[str | None, typer.Option("--tax-rate", metavar="PERCENT", help=TAX_HELP)]
Category = Annotated[str | None, typer.Option("--category", metavar="CATEGORY", help=CATEGORY_HELP)]
DATA_KEYS = (
    "id",
    "sku",
    "name",
    "unit",
    "list_price",
    "tax_rate",
    "category",
    "active",
    "created_at",
    "updated_at",
)


def product_data(product: Product) -> dict[str, Any]:
    """A product for JSON and CSV: the exact price in yuan, the tax rate as "13%"."""
    from salesflow.workflow.money import yuan_text
    from salesflow.workflow.products import format_tax_rate

    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "unit": product.unit,
        "list_price": yuan_text(product.list_price_fen),
        "tax_rate": format_tax_rate(product.tax_rate_bp),
        "category": product.category,
        "active": product.active,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def _people(product: Product) -> dict[str, Any]:
    from salesflow.workflow.money import format_yuan

    return {**product_data(product), "list_price": format_yuan(product.list_price_fen)}


def people_columns(*, with_active: bool) -> list[Column]:
    columns = [
        Column("sku", _("SKU")),
        Column("name", _("Name")),
        Column("unit", _("Unit")),
        Column("list_price", _("List price"), justify="right"),
        Column("tax_rate", pgettext("rate", "Tax"), justify="right"),
        Column("category", _("Category")),
    ]
    if with_active:
        columns.append(Column("active", _("Active")))
    return columns


def record_fields() -> list[Column]:
    return [
        Column("id", _("ID")),
        Column("sku", _("SKU")),
        Column("name", _("Name")),
        Column("unit", _("Unit")),
        Column("list_price", _("List price")),
        Column("tax_rate", _("Tax rate")),
        Column("category", _("Category")),
        Column("active", _("Active")),
        Column("created_at", _("Created")),
        Column("updated_at", _("Updated")),
    ]


def _check(parse: Any) -> Any:
    from salesflow.cli.prompts import check_with

    return check_with(parse)


def _ask_missing(
    sku: str | None, name: str | None, unit: str | None, price: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """The missing required values, asked in a terminal (after checking the person may
    change the price list). Without a terminal a missing value is an error naming its
    option."""
    from salesflow.cli.prompts import ask_validated, can_prompt
    from salesflow.workflow import products

    missing = [
        option
        for option, value in (
            ("--sku", sku),
            ("--name", name),
            ("--unit", unit),
            ("--price", price),
        )
        if value is None
    ]
    if not missing:
        return sku, name, unit, price
    if not can_prompt():
        from salesflow.workflow.errors import InputError

        raise InputError(
            _("Missing value for {option}.").format(option=missing[0]),
            hint=_(
                "Pass {options}; there is no terminal to ask in (or --no-input was given)."
            ).format(options=", ".join(missing)),
        )
    with context.acting() as (_session, actor):
        products.check_may_edit_price_list(actor)
    if sku is None:
        sku = ask_validated(
            _("SKU:"), option="--sku", check=_check(products.clean_sku), required=True
        )
    if name is None:
        name = ask_validated(
            _("Product name:"), option="--name", check=_check(products.clean_name), required=True
        )
    if unit is None:
        unit = ask_validated(
            _("Unit (套, 台, 年, license, user/year):"),
            option="--unit",
            check=_check(products.clean_unit),
            required=True,
        )
    if price is None:
        price = ask_validated(
            _("List price in yuan:"),
            option="--price",
            check=_check(products.parse_price),
            required=True,
        )
    return sku, name, unit, price


@app.command("add", help=_("Add a product to the price list (directors and admins)."))
def add(
    sku: Sku = None,
    name: Name = None,
    unit: Unit = None,
    price: Price = None,
    tax_rate: Annotated[
        str | None,
        typer.Option("--tax-rate", metavar="PERCENT", help=TAX_HELP + " " + _("Default: 13%.")),
    ] = None,
    category: Category = None,
) -> None:
    from salesflow.workflow.products import add_product, describe_product, format_tax_rate

    sku, name, unit, price = _ask_missing(sku, name, unit, price)
    with context.acting(write=True) as (session, actor):
        product = add_product(
            session,
            actor,
            sku=sku,
            name=name,
            unit=unit,
            price=price,
            tax_rate=tax_rate,
            category=category,
        )
        described = describe_product(product)
        rate = format_tax_rate(product.tax_rate_bp)
        product_id = product.id
    context.note(_("Added {product}, tax {rate}.").format(product=described, rate=rate))
    print(product_id)


@app.command("list", help=_("List the price list, searched and filtered (active products)."))
def list_(
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", metavar="TEXT", help=_("Find TEXT in SKUs and names (any case).")
        ),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", metavar="CATEGORY", help=_("Only this category.")),
    ] = None,
    include_inactive: Annotated[
        bool, typer.Option("--all", help=_("Include inactive products."))
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help=_("Show at most N products."))] = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.products import list_products

    with context.acting() as (session, _actor):
        found, more = list_products(
            session,
            search=search,
            category=category,
            active_only=not include_inactive,
            limit=limit,
        )
        if fmt in (OutputFormat.json, OutputFormat.csv):
            render([product_data(p) for p in found], [Column(key, key) for key in DATA_KEYS], fmt)
        else:
            render(
                [_people(p) for p in found],
                people_columns(with_active=include_inactive),
                fmt,
                title=_("Price list"),
                empty_message=_("No products match."),
            )
    if more:
        context.note(
            _("Showing the first {limit} products; more match. Use --limit or --search.").format(
                limit=limit
            )
        )


@app.command("show", help=_("Show one product of the price list."))
def show(
    sku: Annotated[str, typer.Argument(metavar="SKU", help=SKU_HELP)],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.products import get_product

    with context.acting() as (session, _actor):
        product = get_product(session, sku)
        if fmt in (OutputFormat.json, OutputFormat.csv):
            render_record(product_data(product), [Column(key, key) for key in DATA_KEYS], fmt)
        else:
            render_record(_people(product), record_fields(), fmt)


FIELD_LABELS = {
    "name": "--name",
    "unit": "--unit",
    "list_price_fen": "--price",
    "tax_rate_bp": "--tax-rate",
    "category": "--category",
    "active": "--active/--inactive",
}


@app.command(
    "edit",
    help=_(
        "Change a product (directors and admins). Existing quotes keep the prices they were "
        "made with."
    ),
)
def edit(
    sku: Annotated[str, typer.Argument(metavar="SKU", help=SKU_HELP)],
    name: Name = None,
    unit: Unit = None,
    price: Price = None,
    tax_rate: TaxRate = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category", metavar="CATEGORY", help=CATEGORY_HELP + " " + _("'' clears it.")
        ),
    ] = None,
    active: Annotated[
        bool | None,
        typer.Option(
            "--active/--inactive",
            help=_("Offer the product again, or stop offering it (it stays in old quotes)."),
        ),
    ] = None,
) -> None:
    from salesflow.workflow.products import describe_product, edit_product

    with context.acting(write=True) as (session, actor):
        result = edit_product(
            session,
            actor,
            sku,
            name=name,
            unit=unit,
            price=price,
            tax_rate=tax_rate,
            category=category,
            active=active,
        )
        described = describe_product(result.product)
        code = result.product.sku
    if not result.changed:
        context.note(_("Nothing changed for {sku}.").format(sku=code))
        return
    context.note(
        _("Updated {product}: {fields}.").format(
            product=described, fields=", ".join(FIELD_LABELS[f] for f in result.changed)
        )
    )
    if "list_price_fen" in result.changed or "tax_rate_bp" in result.changed:
        context.note(_("Existing quotes keep the price and tax rate they were made with."))


@app.command(
    "import",
    help=_(
        "Import products from a .csv or .xlsx file (headers SKU/编码, name/名称, unit/单位, "
        "price/单价, tax rate/税率, category/类别, active/启用): all rows or none."
    ),
)
def import_(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help=_("The .csv (UTF-8 or GB18030) or .xlsx file."))
    ],
    update: Annotated[
        bool,
        typer.Option("--update", help=_("Update the products whose SKU is already listed.")),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check the file and report; write nothing."))
    ] = False,
) -> None:
    from salesflow.workflow.products import import_products, read_price_file

    price_file = read_price_file(file)
    with context.acting(write=not dry_run) as (session, actor):
        result = import_products(session, actor, price_file, update=update, dry_run=dry_run)
    if result.ignored:
        context.note(_("Ignored columns: {names}.").format(names=", ".join(result.ignored)))
    counts = _("{added} added, {updated} updated, {unchanged} unchanged").format(
        added=result.added, updated=result.updated, unchanged=result.unchanged
    )
    if result.dry_run:
        context.note(
            _("Dry run of {file}: {counts}; nothing was written.").format(
                file=result.file, counts=counts
            )
        )
    else:
        total = result.added + result.updated + result.unchanged
        context.note(
            ngettext(
                "Imported {file} ({total} product): {counts}.",
                "Imported {file} ({total} products): {counts}.",
                total,
            ).format(file=result.file, total=total, counts=counts)
        )
