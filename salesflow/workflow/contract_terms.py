"""A contract's terms text, rendered from a Jinja2 template when the contract is made.

The default template ships as ``salesflow/documents/templates/contract_terms.txt.j2``;
the ``contract_template`` setting (a file path) replaces it. A missing or broken template
is a :class:`ConfigurationError` naming the file; unknown names in it are errors too
(``StrictUndefined``), so a typo never renders as an empty clause.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salesflow.i18n import _
from salesflow.workflow.errors import ConfigurationError

DEFAULT_TEMPLATE = "contract_terms.txt.j2"
DEFAULT_NAME = "default"


def render_terms(values: dict[str, Any], template_path: str | None) -> tuple[str, str]:
    """(terms text, which template) for ``values``; the setting's file if one is given."""
    from jinja2 import (
        Environment,
        FileSystemLoader,
        PackageLoader,
        StrictUndefined,
        TemplateError,
    )

    if template_path:
        path = Path(template_path).expanduser()
        if not path.is_file():
            raise ConfigurationError(
                _("The contract template {path} (contract_template) does not exist.").format(
                    path=path
                ),
                hint=_("Fix the setting in the config file, or remove it to use the default."),
            )
        loader: Any = FileSystemLoader(str(path.parent))
        name, shown = path.name, str(path)
    else:
        loader = PackageLoader("salesflow.documents", "templates")
        name, shown = DEFAULT_TEMPLATE, DEFAULT_NAME
    environment = Environment(
        loader=loader,
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    try:
        text = environment.get_template(name).render(**values)
    except (TemplateError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            _("The contract template {path} (contract_template) is broken: {reason}.").format(
                path=shown, reason=exc
            ),
            hint=_("Fix the template, or remove the setting to use the default."),
        ) from exc
    return text, shown
