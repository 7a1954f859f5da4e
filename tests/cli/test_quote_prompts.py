"""quote new in a real terminal: the wizard searches the price list and asks the terms."""

from __future__ import annotations

import os
import sys

import pytest
from sqlmodel import col, select

from salesflow.store.models import Quote, QuoteLine
from tests.cli.test_lead_stages import add_lead
from tests.cli.test_quotes import products
from tests.duplicate_data import reading
from tests.helpers import Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

START = 90
STEP = 45


def test_the_wizard_drafts_a_quote(cli: Cli, team: str) -> None:
    import pexpect

    products(team)
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "--as", "li.na", "quote", "new", str(lead)],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(30, 160),
    )
    child.expect("Find a product", timeout=START)
    child.send("资源\r")
    child.expect("Which product", timeout=STEP)
    child.send("\r")  # the only match: ERP-STD
    child.expect("Quantity", timeout=STEP)
    child.send("2\r")
    child.expect("Unit price", timeout=STEP)
    child.send("9500\r")
    child.expect("Line discount", timeout=STEP)
    child.send("\r")
    child.expect("Find a product", timeout=STEP)
    child.send("\r")  # done
    child.expect("whole quote", timeout=STEP)
    child.send("5%\r")
    child.expect("Valid until", timeout=STEP)
    child.send("+2w\r")
    child.expect("Payment terms", timeout=STEP)
    child.send("\r")  # cod, the default
    child.expect("Delivery terms", timeout=STEP)
    child.send("款到发货\r")
    child.expect("Notes", timeout=STEP)
    child.send("\r")
    child.expect(pexpect.EOF, timeout=START)
    child.close()
    assert child.exitstatus == 0, child.before
    with reading(team) as session:
        quote = session.exec(select(Quote)).one()
        lines = session.exec(
            select(QuoteLine).where(QuoteLine.quote_id == quote.id).order_by(col(QuoteLine.id))
        ).all()
    assert quote.discount_bp == 500
    assert quote.payment_terms == "cod"
    assert quote.delivery_terms == "款到发货"
    assert quote.notes is None
    assert [(line.sku, line.quantity_milli, line.unit_price_fen) for line in lines] == [
        ("ERP-STD", 2000, 950_000)
    ]
