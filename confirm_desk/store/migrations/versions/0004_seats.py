"""seats: applicant leases (who has an applicant open); case-insensitive search indexes on PostgreSQL

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# SQLite searches these through their NOCASE indexes; PostgreSQL matches lower(column) LIKE lower(prefix)
# (store/dialects.py), which only an index on lower(column) with text_pattern_ops can serve.
_PG_SEARCH_INDEXES = {
    "ix_applicant_lower_name": "name",
    "ix_applicant_lower_school": "school",
    "ix_applicant_lower_application_no": "application_no",
}


def upgrade() -> None:
    op.create_table(
        "applicant_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=60), nullable=False),
        sa.Column("seat", sa.String(length=120), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicant.id"],
                                name=op.f("fk_applicant_lease_applicant_id_applicant"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant_lease")),
        sa.UniqueConstraint("applicant_id", "operator", "seat", name=op.f("uq_applicant_lease_applicant_id")),
    )
    op.create_index(op.f("ix_applicant_lease_applicant_id"), "applicant_lease", ["applicant_id"])
    op.create_index(op.f("ix_applicant_lease_expires_at"), "applicant_lease", ["expires_at"])
    if op.get_bind().dialect.name == "postgresql":
        for name, column in _PG_SEARCH_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON applicant (lower({column}) text_pattern_ops)")
        # SQLite's NOCASE unique constraint already refuses "Admin" beside "admin".
        op.execute("CREATE UNIQUE INDEX uq_operator_lower_username ON operator (lower(username))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in [*_PG_SEARCH_INDEXES, "uq_operator_lower_username"]:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index(op.f("ix_applicant_lease_expires_at"), table_name="applicant_lease")
    op.drop_index(op.f("ix_applicant_lease_applicant_id"), table_name="applicant_lease")
    op.drop_table("applicant_lease")
