"""A small world for the visibility sweep: one deal each for li.na, zhang.wei (both in
wang.qiang's team) and liu.yang (chen.jing's team), and one unassigned lead.

Every record of an owner carries that owner's token (青松, 白杨, 红枫, 公海) in its company,
contact, notes or summary, and distinct phone numbers, amounts and document numbers, so a
test can tell from any output whose data it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from salesflow.store.models import Approval, ImportBatch, Lead, ServiceTicket
from tests.duplicate_data import reading, seeding
from tests.helpers import Cli
from tests.payment_data import make_contract
from tests.quotes import Item, make_quote
from tests.workflow.test_lead_views import add


@dataclass
class Deal:
    """What one owner has; the texts that must not reach someone who may not see it."""

    owner: str | None
    token: str
    company: str
    contact: str
    phone: str
    quote: str = ""  # accepted quote, with a signed contract
    draft: str = ""  # a quote submitted for a discount approval
    contract: str = ""
    contract_total: str = ""  # as "3766.29", also matched with thousands separators
    lead: int = 0
    customer: int = 0
    extra_lead: int = 0  # a second (imported) lead of the same owner
    ticket: int = 0
    batch: int = 0
    approval: int = 0
    secrets: list[str] = field(default_factory=list)

    def leaks(self, text: str) -> list[str]:
        """The secrets of this deal that ``text`` shows (phone and money found with or
        without separators)."""
        flat = text.replace(",", "").replace(" ", "").replace("\u00a0", "")
        found = [s for s in self.secrets if s in text or s in flat]
        return found


# token, company, contact, phone, n, lead amount, unit price (fen), payment; no sum of
# two owners' figures equals the third's.
OWNERS = {
    "li.na": (
        "青松",
        "杭州青松机器人有限公司",
        "林青松",
        "13800000001",
        1,
        "120001.01",
        1_111_00,
        "101.11",
    ),
    "zhang.wei": (
        "白杨",
        "苏州白杨电子有限公司",
        "白杨经理",
        "13800000002",
        2,
        "230002.02",
        2_357_00,
        "202.37",
    ),
    "liu.yang": (
        "红枫",
        "成都红枫物流有限公司",
        "刘红枫",
        "13800000003",
        3,
        "470003.47",
        4_789_00,
        "509.83",
    ),
}


def _ok(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, "--no-input", *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def build_world(cli: Cli, url: str, tmp: Path) -> dict[str, Deal]:
    """Write the deals into a database made by ``init --sample-team``."""
    deals: dict[str, Deal] = {}
    for owner, (token, company, contact, phone, n, amount, price, paid) in OWNERS.items():
        deal = Deal(owner, token, company, contact, phone)
        deal.lead = add(
            url,
            owner,
            company=company,
            contact=contact,
            phone=phone,
            source="website",
            need=f"{token}需求：仓储系统",
            amount=amount,
        )
        deal.quote = f"Q-2026-03{n}1"
        deal.draft = f"Q-2026-03{n}2"
        deal.contract = f"C-2026-03{n}1"
        make_contract(
            url,
            deal.lead,
            number=deal.contract,
            quote_number=deal.quote,
            price_fen=price,
        )
        deal.contract_total = f"{price * 113 // 100 / 100:.2f}"
        make_quote(
            url,
            deal.lead,
            [Item("ERP-STD", unit_price_fen=n * 1_000_00)],
            number=deal.draft,
            discount_bp=1500,
        )
        _ok(cli, owner, "quote", "submit", deal.draft)
        _ok(
            cli,
            owner,
            "activity",
            "log",
            str(deal.lead),
            "--kind",
            "call",
            "--summary",
            f"{token}电话沟通",
            "--next-date",
            "today",
            "--next-action",
            f"{token}回电",
        )
        _ok(cli, owner, "payment", "record", deal.contract, paid)
        with reading(url) as session:
            lead = session.get(Lead, deal.lead)
            assert lead is not None
            deal.customer = lead.customer_id
        customer = f"C{deal.customer}"
        _ok(
            cli,
            owner,
            "service",
            "visit",
            "log",
            customer,
            "--satisfaction",
            "4",
            "--note",
            f"{token}回访",
        )
        _ok(cli, owner, "service", "visit", "schedule", customer, "--on", "2030-01-0" + str(n))
        _ok(cli, owner, "service", "referral", "ask", customer, "--note", f"{token}转介绍")
        _ok(cli, owner, "service", "care", "birthday", customer, "--on", "1980-05-0" + str(n))
        _ok(cli, owner, "service", "ticket", "open", customer, "--title", f"{token}投诉")
        source = tmp / f"{token}-{owner}.csv"
        source.write_text(
            f"公司名称,联系人,手机,线索来源\n{token}导入有限公司,{token}导入联系人,1390000000{n},展会\n",
            encoding="utf-8",
        )
        _ok(cli, owner, "lead", "import", str(source))
        with reading(url) as session:
            ticket = session.exec(
                select(ServiceTicket).where(ServiceTicket.customer_id == deal.customer)
            ).one()
            batch = session.exec(
                select(ImportBatch).where(ImportBatch.file_name.endswith(source.name))
            ).one()
            approval = session.exec(
                select(Approval)
                .where(Approval.quote_id.is_not(None))  # type: ignore[union-attr]
                .order_by(Approval.id.desc())  # type: ignore[union-attr]
            ).first()
            assert approval is not None
            assert ticket.id is not None
            assert batch.id is not None
            assert approval.id is not None
            deal.ticket, deal.batch, deal.approval = ticket.id, batch.id, approval.id
        deal.secrets = [
            token,
            company,
            contact,
            phone,
            deal.quote,
            deal.draft,
            deal.contract,
            deal.contract_total,
            amount,
            paid,
            f"1390000000{n}",
        ]
        deals[owner] = deal
    for owner in ("li.na", "liu.yang"):
        _ok(
            cli,
            "zhao.min",
            "target",
            "set",
            "--user",
            owner,
            "--period",
            "2026-11",
            "--amount",
            "98765" if owner == "liu.yang" else "12345",
        )
    pool = Deal(None, "公海", "南京公海材料有限公司", "海公联系人", "13800000004")
    with seeding(url) as seed:
        # A duplicate of liu.yang's customer, for 'lead duplicates' to find.
        _c, deals["liu.yang"].extra_lead = seed.company("成都红枫物流", "liu.yang")
        pool_customer = seed.customer(pool.company, None)
        pool_contact = seed.contact(pool_customer, pool.contact, phone="+86" + pool.phone)
        pool_lead = seed.lead(pool_customer, None, contact_id=pool_contact.id)
        assert pool_customer.id is not None
        assert pool_lead.id is not None
        pool.customer, pool.lead = pool_customer.id, pool_lead.id
    pool.secrets = [pool.token, pool.company, pool.contact, pool.phone]
    deals["pool"] = pool
    return deals
