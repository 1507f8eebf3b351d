"""evidence for the registration conditions: training hours, yearly assessments, contracts; two staff columns

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("source_file", sa.String(length=260), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), server_default="", nullable=False),
        sa.Column("year", sa.Integer(), server_default="0", nullable=False),
        sa.Column("on_date", sa.String(length=10), server_default="", nullable=False),
        sa.Column("course", sa.String(length=200), server_default="", nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("credits", sa.Float(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_record")),
    )
    op.create_index("uq_training_record_key", "training_record", ["id_number", "year", "on_date", "course"],
                    unique=True)
    op.create_table(
        "assessment_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), server_default="", nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_record")),
    )
    op.create_index("uq_assessment_record_key", "assessment_record", ["id_number", "year"], unique=True)
    op.create_table(
        "contract_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), server_default="", nullable=False),
        sa.Column("start_date", sa.String(length=10), server_default="", nullable=False),
        sa.Column("end_date", sa.String(length=10), server_default="", nullable=False),
        sa.Column("open_ended", sa.Boolean(), server_default=sa.false(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_record")),
    )
    op.create_index("uq_contract_record_id_number", "contract_record", ["id_number"], unique=True)
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_nature", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("last_conclusion", sa.String(length=40), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.drop_column("last_conclusion")
        batch_op.drop_column("school_nature")
    op.drop_index("uq_contract_record_id_number", table_name="contract_record")
    op.drop_table("contract_record")
    op.drop_index("uq_assessment_record_key", table_name="assessment_record")
    op.drop_table("assessment_record")
    op.drop_index("uq_training_record_key", table_name="training_record")
    op.drop_table("training_record")
