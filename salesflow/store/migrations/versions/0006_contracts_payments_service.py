"""contracts with lines, payment schedules and receipts, return visits, tickets, referral asks
and thanks; approvals.contract_id and contacts.birthday

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referral_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_referral_asks_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_referral_asks_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_asks")),
    )
    with op.batch_alter_table("referral_asks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_asks_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "referral_thanks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_customer_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("thanked_by_id", sa.Integer(), nullable=True),
        sa.Column("thanked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_referral_thanks_lead_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["referrer_customer_id"],
            ["customers.id"],
            name=op.f("fk_referral_thanks_referrer_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["thanked_by_id"], ["users.id"], name=op.f("fk_referral_thanks_thanked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_thanks")),
        sa.UniqueConstraint("lead_id", name=op.f("uq_referral_thanks_lead_id")),
    )
    with op.batch_alter_table("referral_thanks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_thanks_referrer_customer_id"),
            ["referrer_customer_id"],
            unique=False,
        )

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal_fen", sa.BigInteger(), nullable=False),
        sa.Column("discount_fen", sa.BigInteger(), nullable=False),
        sa.Column("tax_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("payment_terms", sa.String(length=16), nullable=False),
        sa.Column("payment_terms_note", sa.Text(), nullable=True),
        sa.Column("delivery_terms", sa.Text(), nullable=True),
        sa.Column("terms_text", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=500), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signer", sa.String(length=100), nullable=True),
        sa.Column("signed_file", sa.String(length=500), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "payment_terms IN ('cod', 'advance', 'net-30', 'net-60', 'installments', 'other')",
            name=op.f("ck_contracts_payment_terms"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'legal-review', 'pending', 'approved', 'sent', 'signed', 'archived', 'cancelled')",
            name=op.f("ck_contracts_status"),
        ),
        sa.CheckConstraint(
            "subtotal_fen >= 0 AND discount_fen >= 0 AND tax_fen >= 0 AND total_fen >= 0",
            name=op.f("ck_contracts_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contracts_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_contracts_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_contracts_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_contracts_lead_id_leads")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contracts_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_contracts_quote_id_quotes")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_contracts_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("number", name=op.f("uq_contracts_number")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_quote_id"), ["quote_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_signed_on"), ["signed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_status"), ["status"], unique=False)

    op.create_table(
        "contract_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("discount_bp", sa.Integer(), nullable=False),
        sa.Column("tax_rate_bp", sa.Integer(), nullable=False),
        sa.Column("subtotal_fen", sa.BigInteger(), nullable=False),
        sa.Column("discount_fen", sa.BigInteger(), nullable=False),
        sa.Column("tax_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity_milli > 0", name=op.f("ck_contract_lines_quantity")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_lines_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_contract_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_lines")),
        sa.UniqueConstraint("contract_id", "position", name="uq_contract_lines_contract_position"),
    )
    with op.batch_alter_table("contract_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_lines_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "payment_dues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("due_event", sa.String(length=16), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "due_event IS NULL OR due_event IN ('sign', 'delivery')",
            name=op.f("ck_payment_dues_due_event"),
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payment_dues_amount")),
        sa.CheckConstraint(
            "due_on IS NOT NULL OR due_event IS NOT NULL", name=op.f("ck_payment_dues_when")
        ),
        sa.CheckConstraint(
            "share_bp IS NULL OR share_bp BETWEEN 1 AND 10000", name=op.f("ck_payment_dues_share")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_payment_dues_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_dues")),
        sa.UniqueConstraint("contract_id", "position", name="uq_payment_dues_contract_position"),
    )
    with op.batch_alter_table("payment_dues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_dues_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_dues_due_on"), ["due_on"], unique=False)

    op.create_table(
        "payment_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "method IN ('bank', 'cash', 'other')", name=op.f("ck_payment_receipts_method")
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payment_receipts_amount")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_payment_receipts_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_payment_receipts_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_receipts")),
    )
    with op.batch_alter_table("payment_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_receipts_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_receipts_received_on"), ["received_on"], unique=False
        )

    op.create_table(
        "service_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'responded', 'resolved')", name=op.f("ck_service_tickets_status")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_service_tickets_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_service_tickets_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_service_tickets_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_service_tickets_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_tickets")),
    )
    with op.batch_alter_table("service_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_tickets_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_tickets_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_tickets_response_due_at"), ["response_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_service_tickets_status"), ["status"], unique=False)

    op.create_table(
        "service_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'done', 'cancelled')", name=op.f("ck_service_visits_status")
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
            name=op.f("ck_service_visits_satisfaction"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_service_visits_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_service_visits_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_service_visits_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_visits")),
    )
    with op.batch_alter_table("service_visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_visits_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_visits_scheduled_on"), ["scheduled_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_service_visits_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_visits_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_approvals_contract_id"), ["contract_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_approvals_contract_id_contracts"), "contracts", ["contract_id"], ["id"]
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birthday", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("birthday")

    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_approvals_contract_id_contracts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_approvals_contract_id"))
        batch_op.drop_column("contract_id")

    with op.batch_alter_table("service_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_visits_user_id"))
        batch_op.drop_index(batch_op.f("ix_service_visits_status"))
        batch_op.drop_index(batch_op.f("ix_service_visits_scheduled_on"))
        batch_op.drop_index(batch_op.f("ix_service_visits_customer_id"))

    op.drop_table("service_visits")
    with op.batch_alter_table("service_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_tickets_status"))
        batch_op.drop_index(batch_op.f("ix_service_tickets_response_due_at"))
        batch_op.drop_index(batch_op.f("ix_service_tickets_customer_id"))
        batch_op.drop_index(batch_op.f("ix_service_tickets_assignee_id"))

    op.drop_table("service_tickets")
    with op.batch_alter_table("payment_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_receipts_received_on"))
        batch_op.drop_index(batch_op.f("ix_payment_receipts_contract_id"))

    op.drop_table("payment_receipts")
    with op.batch_alter_table("payment_dues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_dues_due_on"))
        batch_op.drop_index(batch_op.f("ix_payment_dues_contract_id"))

    op.drop_table("payment_dues")
    with op.batch_alter_table("contract_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_lines_contract_id"))

    op.drop_table("contract_lines")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_status"))
        batch_op.drop_index(batch_op.f("ix_contracts_signed_on"))
        batch_op.drop_index(batch_op.f("ix_contracts_quote_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_owner_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_lead_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_customer_id"))

    op.drop_table("contracts")
    with op.batch_alter_table("referral_thanks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_thanks_referrer_customer_id"))

    op.drop_table("referral_thanks")
    with op.batch_alter_table("referral_asks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_asks_customer_id"))

    op.drop_table("referral_asks")
