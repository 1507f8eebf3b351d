"""the application's 注册次数 and 填表日期 (the 申请表 prints them)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registration_count", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("applied_on", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.drop_column("applied_on")
        batch_op.drop_column("registration_count")
