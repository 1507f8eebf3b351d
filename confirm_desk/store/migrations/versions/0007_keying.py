"""keying into the national system: what was keyed, by whom, when (issue 21)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keying_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), server_default="0", nullable=False),
        sa.Column("applicant_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="", nullable=False),
        sa.Column("fields", sa.Text(), server_default="{}", nullable=False),
        sa.Column("operator", sa.String(length=60), server_default="", nullable=False),
        sa.Column("keyed_at", sa.DateTime(), nullable=True),
        sa.Column("settled", sa.String(length=20), server_default="", nullable=False),
        sa.Column("settled_national", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicant.id"], ondelete="CASCADE",
                                name=op.f("fk_keying_record_applicant_id_applicant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keying_record")),
        sa.UniqueConstraint("applicant_id", name=op.f("uq_keying_record_applicant_id")),
    )


def downgrade() -> None:
    op.drop_table("keying_record")
