"""The options that name a lead's fields, shared by ``lead add`` and ``lead edit``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.i18n import _, help_format
from salesflow.workflow.glossary import SOURCES

if TYPE_CHECKING:
    from salesflow.workflow.lead_input import LeadInput

Company = Annotated[str | None, typer.Option("--company", help=_("Company name."))]
Contact = Annotated[str | None, typer.Option("--contact", help=_("Contact person's name."))]
Title = Annotated[str | None, typer.Option("--title", help=_("Contact's job title."))]
Phone = Annotated[
    str | None, typer.Option("--phone", help=_("Mobile, or landline with area code."))
]
Email = Annotated[str | None, typer.Option("--email", help=_("Email address."))]
Wechat = Annotated[str | None, typer.Option("--wechat", help=_("WeChat ID."))]
Province = Annotated[
    str | None, typer.Option("--province", help=_("Province, e.g. 浙江 or 浙江省."))
]
City = Annotated[str | None, typer.Option("--city", help=_("City, e.g. 杭州."))]
County = Annotated[str | None, typer.Option("--county", help=_("County or district, e.g. 西湖区."))]
Industry = Annotated[str | None, typer.Option("--industry", help=_("Industry."))]
Employees = Annotated[str | None, typer.Option("--employees", help=_("Number of employees."))]
FoundedYear = Annotated[
    str | None, typer.Option("--founded-year", help=_("Year the company was founded."))
]
Source = Annotated[
    str | None,
    typer.Option(
        "--source", help=help_format("Source channel: {codes}.", codes=", ".join(SOURCES))
    ),
]
Referrer = Annotated[
    str | None, typer.Option("--referrer", help=_("Who referred them (required for referrals)."))
]
Need = Annotated[str | None, typer.Option("--need", help=_("What they need."))]
Amount = Annotated[
    str | None, typer.Option("--amount", help=_("Estimated amount in yuan (12万 works)."))
]
Notes = Annotated[str | None, typer.Option("--notes", help=_("Notes."))]


def lead_input_from(options: dict[str, Any]) -> LeadInput:
    """The lead fields among a command's options (its ``locals()``), as raw input."""
    from salesflow.workflow.lead_input import LEAD_FIELDS, LeadInput

    return LeadInput(**{name: options[name] for name in LEAD_FIELDS if name in options})
