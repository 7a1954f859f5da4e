"""The approval rules as pure functions: who may give which discount and terms, who decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesflow.workflow.approval_rules import (
    ApprovalRules,
    Need,
    approvals_needed,
    check_may_decide,
    default_rules,
    load_rules,
    parse_authority,
    parse_rules,
)
from salesflow.workflow.errors import ConfigurationError, InputError, PermissionDenied
from salesflow.workflow.money import percent_text

RULES = default_rules()


def needed(
    discount_bp: int, role: str = "rep", override: int | None = None, terms: str = "cod"
) -> tuple[Need, ...]:
    return approvals_needed(
        RULES,
        discount_bp=discount_bp,
        authority_bp=RULES.authority(role, override),
        payment_terms=terms,
    )


def test_the_default_table() -> None:
    assert needed(1000) == ()
    assert needed(1001) == (Need("discount", "manager", discount_bp=1001),)
    assert needed(2000) == (Need("discount", "manager", discount_bp=2000),)
    assert needed(2500) == (Need("discount", "director", discount_bp=2500),)
    assert needed(2000, role="manager") == ()
    assert needed(2001, role="manager") == (Need("discount", "director", discount_bp=2001),)
    assert needed(9000, role="director") == ()
    assert needed(100, role="legal") == (Need("discount", "manager", discount_bp=100),)


def test_a_users_own_authority_replaces_the_roles() -> None:
    assert needed(1500, override=1500) == ()
    assert needed(1501, override=1500) == (Need("discount", "manager", discount_bp=1501),)
    assert needed(1500, role="manager", override=1000) == (
        Need("discount", "manager", discount_bp=1500),
    )


def test_payment_terms_other_than_cash_on_delivery_need_a_manager() -> None:
    assert needed(0, terms="net-30") == (Need("payment-terms", "manager", detail="net-30"),)
    assert needed(0, role="director", terms="advance") == (
        Need("payment-terms", "manager", detail="advance"),
    )
    assert needed(2500, terms="installments") == (
        Need("discount", "director", discount_bp=2500),
        Need("payment-terms", "manager", detail="installments"),
    )


def test_percent_text_and_parsing() -> None:
    assert [percent_text(bp) for bp in (0, 1000, 1001, 1250, 10000)] == [
        "0%",
        "10%",
        "10.01%",
        "12.5%",
        "100%",
    ]
    assert parse_authority("15%") == 1500
    assert parse_authority(" 12.5 ") == 1250
    assert parse_authority("100") == 10000
    for bad in ("abc", "-1", "100.01", "1.234", "nan"):
        with pytest.raises(InputError, match="--discount-authority"):
            parse_authority(bad)


def decide(**changes: object) -> None:
    values: dict[str, object] = {
        "approval_id": 7,
        "actor_id": 2,
        "actor_role": "manager",
        "actor_authority_bp": 2000,
        "required_role": "manager",
        "discount_bp": 1500,
        "requested_by_id": 5,
        "quote_owner_id": 5,
        "in_actor_team": True,
    }
    values.update(changes)
    check_may_decide(RULES, **values)  # type: ignore[arg-type]


def test_who_may_decide() -> None:
    decide()
    decide(actor_role="director", actor_authority_bp=10000, required_role="director")
    decide(actor_role="director", actor_authority_bp=10000, in_actor_team=True)
    decide(discount_bp=None, required_role="manager")
    refusals: list[tuple[dict[str, object], str]] = [
        ({"actor_role": "rep", "actor_authority_bp": 1000}, "you are Sales rep"),
        ({"actor_role": "admin", "actor_authority_bp": 0}, "you are Administrator"),
        ({"requested_by_id": 2}, "your own request"),
        ({"quote_owner_id": 2}, "quote you own"),
        ({"required_role": "director", "discount_bp": None}, "needs a Sales director"),
        ({"discount_bp": 2500, "required_role": "director"}, "authority is 25% or more"),
        ({"actor_authority_bp": 1200}, "beyond your authority of 12%"),
        ({"in_actor_team": False}, "another team"),
    ]
    for changes, needle in refusals:
        with pytest.raises(PermissionDenied, match=needle):
            decide(**changes)


GOOD = """
[discount_authority]
rep = 5
manager = 12.5
director = 100
[approvers]
roles = ["manager", "director"]
[payment_terms]
standard = ["cod", "advance"]
approver = "director"
"""


def test_a_rules_file_is_read_exactly() -> None:
    rules = parse_rules(GOOD, source="/etc/approvals.toml")
    assert isinstance(rules, ApprovalRules)
    assert rules.authority_bp == {"rep": 500, "manager": 1250, "director": 10000}
    assert rules.discount_approver(1250) == "manager"
    assert rules.discount_approver(1251) == "director"
    assert rules.standard_terms == {"cod", "advance"}
    assert rules.terms_approver == "director"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("not toml [", "not valid TOML"),
        (GOOD + "\nextra = 1\n", "extra: unknown key"),
        (GOOD.replace("rep = 5", "rep = 120"), "discount_authority.rep"),
        (GOOD.replace("rep = 5", "rep = 5.555"), "more than two decimals"),
        (GOOD.replace("rep = 5", 'rep = "5"'), "must be a percentage"),
        (GOOD.replace("rep = 5", "chief = 5"), "discount_authority.chief"),
        (GOOD.replace('"manager", "director"', '"manager", "boss"'), "approvers.roles[1]"),
        (GOOD.replace('"manager", "director"', '"director", "manager"'), "approvers.roles"),
        (GOOD.replace("director = 100", "director = 90"), "must have an authority of 100"),
        (GOOD.replace('"cod", "advance"', '"cod", "cheque"'), "payment_terms.standard"),
        (GOOD.replace('approver = "director"', 'approver = "rep"'), "payment_terms.approver"),
        (GOOD.replace("[approvers]", "[approvers_x]"), "approvers_x"),
    ],
)
def test_a_broken_rules_file_is_refused(text: str, needle: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_rules(text, source="/etc/approvals.toml")
    assert needle in caught.value.message
    assert "/etc/approvals.toml" in caught.value.message


def test_the_file_in_the_config_folder_replaces_the_default(isolated_home: Path) -> None:
    assert load_rules().source == "default"
    isolated_home.mkdir(parents=True, exist_ok=True)
    path = isolated_home / "approvals.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_rules().authority_bp["rep"] == 500
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigurationError, match="UTF-8"):
        load_rules()
