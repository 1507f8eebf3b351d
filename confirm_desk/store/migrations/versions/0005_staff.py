"""staff list (教职工名单) for the coverage rules

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), server_default='', nullable=False),
        sa.Column('gender', sa.String(length=10), server_default='', nullable=False),
        sa.Column('id_number', sa.String(length=40), server_default='', nullable=False),
        sa.Column('birth_date', sa.String(length=200), server_default='', nullable=False),
        sa.Column('school', sa.String(length=200), server_default='', nullable=False),
        sa.Column('on_post', sa.String(length=20), server_default='', nullable=False),
        sa.Column('off_post_reason', sa.String(length=200), server_default='', nullable=False),
        sa.Column('post_category', sa.String(length=40), server_default='', nullable=False),
        sa.Column('cert_number', sa.String(length=40), server_default='', nullable=False),
        sa.Column('cert_type', sa.String(length=200), server_default='', nullable=False),
        sa.Column('work_started_on', sa.String(length=200), server_default='', nullable=False),
        sa.Column('probation_end', sa.String(length=200), server_default='', nullable=False),
        sa.Column('last_registered_on', sa.String(length=200), server_default='', nullable=False),
        sa.Column('valid_until', sa.String(length=200), server_default='', nullable=False),
        sa.Column('phone', sa.String(length=40), server_default='', nullable=False),
        sa.Column("import_hash", sa.String(length=64), server_default="", nullable=False),
        sa.Column("source_file", sa.String(length=260), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
    )
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.create_index("uq_staff_member_id_number", ["id_number"], unique=True)
        batch_op.create_index("ix_staff_member_school", ["school"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_member_school")
        batch_op.drop_index("uq_staff_member_id_number")
    op.drop_table("staff_member")
