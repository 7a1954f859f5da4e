"""customers contacts leads grades

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("leads_added", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_import_batches_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"], ["users.id"], name=op.f("fk_import_batches_undone_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("name_block", sa.String(length=16), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("founded_year", sa.Integer(), nullable=True),
        sa.Column("province", sa.String(length=32), nullable=True),
        sa.Column("city", sa.String(length=32), nullable=True),
        sa.Column("county", sa.String(length=32), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("lifecycle", sa.String(length=16), nullable=False),
        sa.Column("value_type", sa.String(length=16), nullable=True),
        sa.Column("personality", sa.String(length=20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "lifecycle IN ('lead', 'prospect', 'customer', 'dormant')",
            name=op.f("ck_customers_lifecycle"),
        ),
        sa.CheckConstraint(
            "value_type IS NULL OR value_type IN ('intrinsic', 'extrinsic', 'strategic')",
            name=op.f("ck_customers_value_type"),
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_customers_import_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_customers_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customers_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customers_name_block"), ["name_block"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("wechat", sa.String(length=64), nullable=True),
        sa.Column("decision_maker", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_contacts_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_contacts_import_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contacts_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contacts_phone"), ["phone"], unique=False)

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("need", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("referrer_customer_id", sa.Integer(), nullable=True),
        sa.Column("referrer_name", sa.String(length=100), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("budget_fen", sa.BigInteger(), nullable=True),
        sa.Column("need_fit", sa.Integer(), nullable=True),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("decision_maker_reached", sa.Boolean(), nullable=True),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("next_step_date", sa.Date(), nullable=True),
        sa.Column("next_step_action", sa.String(length=200), nullable=True),
        sa.Column("lost_reason", sa.String(length=16), nullable=True),
        sa.Column("competitor", sa.String(length=100), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "grade IS NULL OR grade IN ('A', 'B', 'C')", name=op.f("ck_leads_grade")
        ),
        sa.CheckConstraint(
            "lost_reason IS NULL OR lost_reason IN ('price', 'competitor', 'no-budget', 'no-decision', 'timing', 'other')",
            name=op.f("ck_leads_lost_reason"),
        ),
        sa.CheckConstraint(
            "source IN ('website', 'phone', 'trade-show', 'list', 'referral', 'cold-visit', 'event', 'other')",
            name=op.f("ck_leads_source"),
        ),
        sa.CheckConstraint(
            "stage IN ('new', 'contacted', 'qualified', 'proposal', 'negotiation', 'contract', 'won', 'lost')",
            name=op.f("ck_leads_stage"),
        ),
        sa.CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name=op.f("ck_leads_amount")),
        sa.CheckConstraint("budget_fen IS NULL OR budget_fen >= 0", name=op.f("ck_leads_budget")),
        sa.CheckConstraint(
            "likelihood IS NULL OR likelihood BETWEEN 1 AND 5", name=op.f("ck_leads_likelihood")
        ),
        sa.CheckConstraint(
            "need_fit IS NULL OR need_fit BETWEEN 1 AND 5", name=op.f("ck_leads_need_fit")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_leads_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_leads_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_leads_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_leads_import_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_leads_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["referrer_customer_id"],
            ["customers.id"],
            name=op.f("fk_leads_referrer_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_external_ref"), ["external_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_grade"), ["grade"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_leads_next_step_date"), ["next_step_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_stage"), ["stage"], unique=False)

    op.create_table(
        "lead_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("graded_by_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("breakdown", sa.Text(), nullable=False),
        sa.Column("value_type", sa.String(length=16), nullable=True),
        sa.Column("personality", sa.String(length=20), nullable=True),
        sa.Column("rubric", sa.String(length=64), nullable=False),
        sa.CheckConstraint("grade IN ('A', 'B', 'C')", name=op.f("ck_lead_grades_grade")),
        sa.CheckConstraint(
            "value_type IS NULL OR value_type IN ('intrinsic', 'extrinsic', 'strategic')",
            name=op.f("ck_lead_grades_value_type"),
        ),
        sa.ForeignKeyConstraint(
            ["graded_by_id"], ["users.id"], name=op.f("fk_lead_grades_graded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_grades_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_grades")),
    )
    with op.batch_alter_table("lead_grades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_grades_lead_id"), ["lead_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("lead_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_grades_lead_id"))

    op.drop_table("lead_grades")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_stage"))
        batch_op.drop_index(batch_op.f("ix_leads_source"))
        batch_op.drop_index(batch_op.f("ix_leads_owner_id"))
        batch_op.drop_index(batch_op.f("ix_leads_next_step_date"))
        batch_op.drop_index(batch_op.f("ix_leads_import_batch_id"))
        batch_op.drop_index(batch_op.f("ix_leads_grade"))
        batch_op.drop_index(batch_op.f("ix_leads_external_ref"))
        batch_op.drop_index(batch_op.f("ix_leads_customer_id"))
        batch_op.drop_index(batch_op.f("ix_leads_created_at"))

    op.drop_table("leads")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_phone"))
        batch_op.drop_index(batch_op.f("ix_contacts_import_batch_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_email"))
        batch_op.drop_index(batch_op.f("ix_contacts_customer_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_owner_id"))
        batch_op.drop_index(batch_op.f("ix_customers_name_key"))
        batch_op.drop_index(batch_op.f("ix_customers_name_block"))
        batch_op.drop_index(batch_op.f("ix_customers_import_batch_id"))

    op.drop_table("customers")
    op.drop_table("import_batches")
