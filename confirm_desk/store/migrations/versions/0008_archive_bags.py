"""档案袋编号: one bag number per ID number, kept across registrations (issue 23)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_bag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=20), server_default="assigned", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_bag")),
    )
    op.create_index("uq_archive_bag_id_number", "archive_bag", ["id_number"], unique=True)
    op.create_index("uq_archive_bag_number", "archive_bag", ["number"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_archive_bag_number", table_name="archive_bag")
    op.drop_index("uq_archive_bag_id_number", table_name="archive_bag")
    op.drop_table("archive_bag")
