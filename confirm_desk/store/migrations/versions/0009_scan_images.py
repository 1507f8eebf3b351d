"""scanned originals (certificate, ID card) kept as evidence of the check

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), server_default="", nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), server_default="0", nullable=False),
        sa.Column("height", sa.Integer(), server_default="0", nullable=False),
        sa.Column("source_name", sa.String(length=260), server_default="", nullable=False),
        sa.Column("sha256", sa.String(length=64), server_default="", nullable=False),
        sa.Column("reading", sa.Text(), server_default="", nullable=False),
        sa.Column("operator", sa.String(length=60), server_default="", nullable=False),
        sa.Column("captured_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicant.id"], name=op.f("fk_scan_image_applicant_id_applicant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_image")),
    )
    op.create_index(op.f("ix_scan_image_applicant_id"), "scan_image", ["applicant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_scan_image_applicant_id"), table_name="scan_image")
    op.drop_table("scan_image")
