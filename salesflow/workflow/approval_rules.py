"""Who may give which discount and terms, and who decides the rest (pure rules, no database).

The rules come from ``approvals.toml`` shipped beside this module (SPEC §4); an
``approvals.toml`` in the config folder replaces it whole, like ``stages.toml``
(:mod:`salesflow.workflow.stage_config`). Percentages are read exactly (TOML decimals as
:class:`~decimal.Decimal`, never a float) and kept in basis points (1000 = 10%).

* **Discount authority**: each role's, in percent (default rep 10, manager 20, director
  100; a role left out: 0). A user's own ``discount_authority_bp`` replaces their role's.
* **Discount approval**: a quote whose largest effective discount
  (``Quote.max_discount_bp``) is above the authority of its owner (of the requester when
  the quote has no owner) needs a ``discount`` approval from the lowest approver role
  whose role authority covers it (default: manager up to 20%, else director).
* **Payment terms**: terms not in the standard list (default: cash on delivery only) need
  a ``payment-terms`` approval from the configured role (default: manager).
* **Who decides** (:func:`check_may_decide`): an approver role at least as high as the one
  required, whose own authority covers the discount asked; a manager only on their own
  team's leads; never one's own request nor a request on a quote one owns. Admins manage
  users and settings, not sales terms: they are not approvers unless a team lists
  ``admin`` among the approver roles in its own file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from salesflow.i18n import _
from salesflow.workflow.errors import ConfigurationError, InputError, PermissionDenied
from salesflow.workflow.glossary import PAYMENT_TERMS, label
from salesflow.workflow.money import percent_text
from salesflow.workflow.roles import ROLES, role_label

APPROVALS_FILE = "approvals.toml"
DEFAULT_SOURCE = "default"
WHOLE_BP = 10_000
TOP_KEYS = ("discount_authority", "approvers", "payment_terms", "contract")
DEFAULT_CONTRACT_LIMIT_FEN = 800_000_00  # SPEC §4: a manager up to 800,000 CNY


@dataclass(frozen=True)
class ApprovalRules:
    authority_bp: dict[str, int]  # role -> discount authority in basis points
    approvers: tuple[str, ...]  # the roles that decide, lowest first
    standard_terms: frozenset[str]  # payment terms that need no approval
    terms_approver: str
    source: str  # "default" or the override file's path
    # Contracts up to this total need a manager; above it a director as well.
    contract_manager_limit_fen: int = DEFAULT_CONTRACT_LIMIT_FEN

    def role_authority(self, role: str) -> int:
        return self.authority_bp.get(role, 0)

    def authority(self, role: str, override_bp: int | None) -> int:
        """A person's discount authority: their own override, else their role's."""
        return self.role_authority(role) if override_bp is None else override_bp

    def rank(self, role: str) -> int | None:
        """Where a role stands among the approvers (``None``: it decides nothing)."""
        return self.approvers.index(role) if role in self.approvers else None

    def reaches(self, role: str, required_role: str) -> bool:
        """Whether someone of ``role`` may decide what ``required_role`` may."""
        mine, needed = self.rank(role), self.rank(required_role)
        if mine is None:
            return False
        return role == required_role if needed is None else mine >= needed

    def discount_approver(self, discount_bp: int) -> str:
        """The lowest approver role whose role authority covers ``discount_bp``."""
        for role in self.approvers:
            if self.role_authority(role) >= discount_bp:
                return role
        return self.approvers[-1]


@dataclass(frozen=True)
class Need:
    """One approval a quote needs before it may be sent."""

    kind: str  # discount | payment-terms
    required_role: str
    discount_bp: int | None = None
    detail: str | None = None  # the payment terms code


def approvals_needed(
    rules: ApprovalRules, *, discount_bp: int, authority_bp: int, payment_terms: str
) -> tuple[Need, ...]:
    """What a quote with this discount and these terms needs, for an owner of this authority."""
    needs: list[Need] = []
    if discount_bp > authority_bp:
        needs.append(
            Need("discount", rules.discount_approver(discount_bp), discount_bp=discount_bp)
        )
    if payment_terms not in rules.standard_terms:
        needs.append(Need("payment-terms", rules.terms_approver, detail=payment_terms))
    return tuple(needs)


def parse_authority(raw: str, *, field: str = "--discount-authority") -> int:
    """``15%``, ``15`` or ``12.5%`` -> basis points, between 0% and 100% inclusive."""
    text = raw.strip().replace("％", "%").removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(
            _("'{value}' is not a percentage ({field}).").format(value=raw, field=field),
            hint=_("Write a percentage such as 15% or 12.5; '-' clears it."),
        )
    if not 0 <= value <= 100:
        raise InputError(
            _("The discount authority must be between 0% and 100%, not {value} ({field}).").format(
                value=raw.strip(), field=field
            )
        )
    bp = value * 100
    if bp != bp.to_integral_value():
        raise InputError(
            _("The percentage {value} has more than two decimals ({field}).").format(
                value=raw.strip(), field=field
            )
        )
    return int(bp)


def asked_text(kind: str, discount_bp: int | None, detail: str | None) -> str:
    """What an approval asks for, in words: "discount 25%" or "payment terms: Net 30"."""
    if kind == "discount":
        return _("discount {percent}").format(percent=percent_text(discount_bp))
    if kind == "payment-terms":
        return _("payment terms: {terms}").format(terms=label(PAYMENT_TERMS, detail))
    return detail or kind


def check_may_decide(
    rules: ApprovalRules,
    *,
    approval_id: int,
    actor_id: int,
    actor_role: str,
    actor_authority_bp: int,
    required_role: str,
    discount_bp: int | None,
    requested_by_id: int,
    quote_owner_id: int | None,
    in_actor_team: bool,
) -> None:
    """Refuse (:class:`PermissionDenied`) unless the actor may decide this request.

    ``in_actor_team``: the lead is inside the actor's scope (a manager's team; a director
    sees every lead).
    """
    if rules.rank(actor_role) is None:
        raise PermissionDenied(
            _("Approvals are decided by {roles}; you are {role}.").format(
                roles=", ".join(role_label(role) for role in rules.approvers),
                role=role_label(actor_role),
            )
        )
    if requested_by_id == actor_id:
        raise PermissionDenied(
            _("Approval {id} is your own request; nobody approves their own request.").format(
                id=approval_id
            ),
            hint=_("Another {role} or someone above decides it.").format(
                role=role_label(required_role)
            ),
        )
    if quote_owner_id == actor_id:
        raise PermissionDenied(
            _("Approval {id} is on a quote you own; nobody decides on their own quote.").format(
                id=approval_id
            ),
            hint=_("Another {role} or someone above decides it.").format(
                role=role_label(required_role)
            ),
        )
    if discount_bp is not None and discount_bp > actor_authority_bp:
        raise PermissionDenied(
            _(
                "Approval {id} asks for a {asked} discount, beyond your authority of "
                "{mine}; it needs someone whose authority is {asked} or more."
            ).format(
                id=approval_id,
                asked=percent_text(discount_bp),
                mine=percent_text(actor_authority_bp),
            ),
            hint=_("A {role} decides it.").format(
                role=role_label(rules.discount_approver(discount_bp))
            ),
        )
    if not rules.reaches(actor_role, required_role):
        raise PermissionDenied(
            _("Approval {id} needs a {role}; you are {mine}.").format(
                id=approval_id, role=role_label(required_role), mine=role_label(actor_role)
            )
        )
    if not in_actor_team:
        raise PermissionDenied(
            _("Approval {id} is on a lead of another team; its manager or a {top} decides.").format(
                id=approval_id, top=role_label(rules.approvers[-1])
            )
        )


# -- the file ------------------------------------------------------------------------


def where(source: str) -> str:
    return _("the default approval rules") if source == DEFAULT_SOURCE else source


@cache
def default_text() -> str:
    from importlib.resources import files

    return files("salesflow.workflow").joinpath(APPROVALS_FILE).read_text(encoding="utf-8")


def default_rules() -> ApprovalRules:
    return parse_rules(default_text(), source=DEFAULT_SOURCE)


def override_path() -> Path:
    """Where a team's own rules go: ``approvals.toml`` in the config folder."""
    from salesflow.config import config_dir

    return Path(config_dir().value) / APPROVALS_FILE


def _fix_hint() -> str:
    return _("Fix the file, or remove it to use the default approval rules.")


def load_rules() -> ApprovalRules:
    """The rules in use: the override in the config folder if there is one, else the default."""
    path = override_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default_rules()
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            _("The approval rules file {path} is not UTF-8 text.").format(path=path),
            hint=_fix_hint(),
        ) from exc
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot read the approval rules file {path}: {reason}.").format(
                path=path, reason=exc.strerror or exc
            ),
            hint=_fix_hint(),
        ) from exc
    return parse_rules(text, source=str(path))


def _bad(source: str, key: str, problem: str) -> ConfigurationError:
    return ConfigurationError(
        _("Bad approval rules in {path}: {key}: {problem}.").format(
            path=where(source), key=key, problem=problem
        ),
        hint=_fix_hint(),
    )


def _table(source: str, data: dict[str, Any], key: str, known: tuple[str, ...]) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _bad(source, key, _("missing, or not a table"))
    for inner in value:
        if inner not in known:
            raise _bad(
                source,
                f"{key}.{inner}",
                _("unknown key; expected {known}").format(known=", ".join(known)),
            )
    return value


def _role(source: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or value not in ROLES:
        raise _bad(
            source,
            key,
            _("'{value}' is not a role; choose from {roles}").format(
                value=value, roles=", ".join(ROLES)
            ),
        )
    return value


def _percent(source: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _bad(source, key, _("must be a percentage, such as 10 or 12.5"))
    number = Decimal(value)
    if not number.is_finite() or not 0 <= number <= 100:
        raise _bad(source, key, _("must be between 0 and 100, not {value}").format(value=value))
    bp = number * 100
    if bp != bp.to_integral_value():
        raise _bad(source, key, _("has more than two decimals"))
    return int(bp)


def parse_rules(text: str, *, source: str) -> ApprovalRules:
    """Check an approvals file's TOML text and build it; ``source`` is named in every refusal."""
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            _("The approval rules file {path} is not valid TOML: {reason}.").format(
                path=where(source), reason=exc
            ),
            hint=_fix_hint(),
        ) from exc
    for key in data:
        if key not in TOP_KEYS:
            raise _bad(
                source, key, _("unknown key; expected {known}").format(known=", ".join(TOP_KEYS))
            )
    authority_table = _table(source, data, "discount_authority", tuple(ROLES))
    authority = {
        _role(source, f"discount_authority.{role}", role): _percent(
            source, f"discount_authority.{role}", value
        )
        for role, value in authority_table.items()
    }
    roles = _table(source, data, "approvers", ("roles",)).get("roles")
    if not isinstance(roles, list) or not roles:
        raise _bad(source, "approvers.roles", _("must be a list of one or more roles"))
    approvers = tuple(
        _role(source, f"approvers.roles[{index}]", role) for index, role in enumerate(roles)
    )
    if len(set(approvers)) != len(approvers):
        raise _bad(source, "approvers.roles", _("a role appears more than once"))
    for lower, higher in pairwise(approvers):
        if authority.get(lower, 0) > authority.get(higher, 0):
            raise _bad(
                source,
                "approvers.roles",
                _("{higher} comes after {lower} but has less discount authority").format(
                    higher=higher, lower=lower
                ),
            )
    if authority.get(approvers[-1], 0) != WHOLE_BP:
        raise _bad(
            source,
            f"discount_authority.{approvers[-1]}",
            _(
                "the highest approver ({role}) must have an authority of 100, or some discounts "
                "could never be approved"
            ).format(role=approvers[-1]),
        )
    terms = _table(source, data, "payment_terms", ("standard", "approver"))
    standard = terms.get("standard")
    if not isinstance(standard, list) or not all(code in PAYMENT_TERMS for code in standard):
        raise _bad(
            source,
            "payment_terms.standard",
            _("must be a list of payment terms codes from {codes}").format(
                codes=", ".join(PAYMENT_TERMS)
            ),
        )
    terms_approver = _role(source, "payment_terms.approver", terms.get("approver"))
    if terms_approver not in approvers:
        raise _bad(
            source,
            "payment_terms.approver",
            _("'{role}' is not one of approvers.roles").format(role=terms_approver),
        )
    limit = DEFAULT_CONTRACT_LIMIT_FEN
    if "contract" in data:
        raw_limit = _table(source, data, "contract", ("manager_limit",)).get("manager_limit")
        if raw_limit is not None:
            limit = _yuan_limit(source, "contract.manager_limit", raw_limit)
    return ApprovalRules(
        authority_bp=authority,
        approvers=approvers,
        standard_terms=frozenset(standard),
        terms_approver=terms_approver,
        source=source,
        contract_manager_limit_fen=limit,
    )


def _yuan_limit(source: str, key: str, value: Any) -> int:
    """A whole or two-decimal number of yuan, not negative, as fen."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _bad(source, key, _("must be an amount in yuan, e.g. 800000"))
    number = Decimal(value) * 100
    if number < 0 or number != number.to_integral_value():
        raise _bad(source, key, _("must be yuan, not negative, at most two decimals"))
    return int(number)
