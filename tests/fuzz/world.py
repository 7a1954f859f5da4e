"""A small database with a record in every state the writing commands act on.

Kept small on purpose: every fuzz example snapshots the whole database. Leads, quotes and
contracts are made through the CLI where that is cheap and through the shared test-data
helpers (:mod:`tests.quotes`, :mod:`tests.payment_data`) where a record needs a state.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine
from sqlmodel import Session

from salesflow.store.models import Customer, Lead
from tests.helpers import Cli
from tests.payment_data import make_contract
from tests.quotes import Item, make_quote
from tests.workflow.test_lead_views import change

YEAR = date.today().year

REPS = ("li.na", "zhang.wei", "liu.yang")
MANAGERS = ("wang.qiang", "chen.jing")
# li.na owns most of the records: she acts more often than the others.
SELLERS = ("li.na", "li.na", *REPS, *MANAGERS, "zhao.min")
EVERYONE = (*REPS, *MANAGERS, "zhao.min", "boss", "sun.li", "zhou.xin")


def quote_no(n: int) -> str:
    return f"Q-{YEAR}-{n:04d}"


def contract_no(n: int) -> str:
    return f"C-{YEAR}-{n:04d}"


# What :func:`build` makes (numbered alike on SQLite and PostgreSQL; it checks).
LEADS = tuple(str(n) for n in range(1, 9))
OPEN_LEAD, LOST_LEAD, REFERRED_LEAD = "1", "6", "8"
CUSTOMERS = ("C7", "湖州模糊软件有限公司")
QUOTES = tuple(quote_no(n) for n in (1, 2, 3, 4))
CONTRACTS = tuple(contract_no(n) for n in range(1, 7))
APPROVALS = ("1", "2")
TICKETS = ("1",)
SKUS = ("SKU-1", "ERP-STD")


def _ok(cli: Cli, user: str, *args: str) -> str:
    result = cli("--no-input", "--as", user, *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout.strip()


def _lead(cli: Cli, user: str, company: str, *extra: str) -> int:
    out = _ok(cli, user, "lead", "add", "--company", company, "--contact", "王五", *extra)
    return int(out.split()[0]) if out.split()[0].isdigit() else int(out.split()[-1])


def build(url: str, cli: Cli) -> None:
    """The sample team (already in ``url``) plus a handful of records in every state."""
    web = ("--source", "website")
    open_lead = _lead(cli, "li.na", "杭州模糊科技有限公司", *web, "--phone", "13800000001")
    deal = _lead(cli, "li.na", "宁波模糊贸易有限公司", *web, "--amount", "10万")
    other = _lead(cli, "zhang.wei", "温州模糊制造有限公司", *web)
    pool = _lead(cli, "wang.qiang", "绍兴模糊有限公司", "--source", "phone", "--owner", "-")
    far = _lead(cli, "liu.yang", "苏州模糊有限公司", *web)
    lost = _lead(cli, "li.na", "嘉兴模糊有限公司", *web)
    _ok(cli, "li.na", "lead", "lose", str(lost), "--reason", "price")
    signed = _lead(cli, "li.na", "湖州模糊软件有限公司", *web)

    # Quotes: a draft, a pending one with its approval, an approved one, a sent one.
    make_quote(url, open_lead, [Item("SKU-1")], number=quote_no(1))
    make_quote(url, deal, [Item("SKU-1", discount_bp=1500)], number=quote_no(2))
    make_quote(url, other, [Item("ERP-STD")], number=quote_no(3), status="approved")
    make_quote(url, deal, [Item("SKU-1")], number=quote_no(4), status="sent")
    _ok(cli, "li.na", "quote", "submit", quote_no(2))

    # Contracts, each from its own accepted quote: draft, in review, pending approval,
    # approved, sent and signed (with a payment schedule).
    for n, status in enumerate(("draft", "draft", "draft", "approved", "sent"), start=1):
        make_contract(
            url, deal, number=contract_no(n), quote_number=quote_no(10 + n), status=status
        )
    make_contract(url, signed, number=contract_no(6), quote_number=quote_no(16))
    _ok(cli, "li.na", "contract", "submit", contract_no(2))
    _ok(cli, "li.na", "contract", "submit", contract_no(3))
    _ok(cli, "sun.li", "contract", "review", contract_no(3), "--approve")
    _ok(cli, "li.na", "payment", "schedule", contract_no(6), "--plan", "30%:sign,70%:delivery")

    # After-sales: the signed contract's customer has bought; a referred lead was won.
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            lead = session.get(Lead, signed)
            assert lead is not None
            customer = session.get(Customer, lead.customer_id)
            assert customer is not None
            customer.lifecycle = "customer"
            session.add(customer)
            session.commit()
            customer_id = lead.customer_id
    finally:
        engine.dispose()
    change(url, signed, stage="won")
    referred = _lead(cli, "li.na", "台州模糊有限公司", *web)
    change(url, referred, source="referral", referrer_customer_id=customer_id, stage="won")
    ticket = _ok(cli, "zhou.xin", "service", "ticket", "open", f"C{customer_id}", "--title", "坏了")
    _ok(cli, "zhou.xin", "service", "visit", "schedule", f"C{customer_id}", "--on", "+7d")
    made = (open_lead, deal, other, pool, far, lost, signed, referred)
    assert tuple(str(n) for n in made) == LEADS, made
    assert (str(lost), str(referred), f"C{customer_id}") == (LOST_LEAD, REFERRED_LEAD, CUSTOMERS[0])
    assert ticket == TICKETS[0], ticket
    listed = _ok(cli, "boss", "approval", "list", "--all", "--format", "csv")
    assert sorted(line.split(",")[0] for line in listed.splitlines()[1:]) == list(APPROVALS)
