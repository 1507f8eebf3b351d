"""a trigram index of ID numbers for the search box (SQLite FTS5; other databases search as before)

Revision ID: 0011
Revises: 0010
"""

import logging

from alembic import op
from sqlalchemy.exc import OperationalError

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# rowid = applicant.id. Changed and deleted ID numbers follow by trigger (rare: one row at a time); new
# applicants are indexed in bulk after an import (store/search_index.py catch_up), not one by one on insert.
_TRIGGERS = (
    """CREATE TRIGGER applicant_search_update AFTER UPDATE OF id_number ON applicant
    WHEN old.id_number IS NOT new.id_number
    BEGIN
        UPDATE applicant_search SET id_number = new.id_number WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER applicant_search_delete AFTER DELETE ON applicant
    BEGIN
        DELETE FROM applicant_search WHERE rowid = old.id;
    END""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    conn = op.get_bind()
    try:  # a failed CREATE leaves nothing behind
        conn.exec_driver_sql("CREATE VIRTUAL TABLE applicant_search USING fts5(id_number, tokenize='trigram')")
    except OperationalError:  # an SQLite without FTS5 or its trigram tokenizer (before 3.34): search reads IDs
        log.warning("SQLite has no FTS5 trigram tokenizer: ID-number fragments are searched without an index")
        return
    for trigger in _TRIGGERS:
        conn.exec_driver_sql(trigger)
    conn.exec_driver_sql("INSERT INTO applicant_search(rowid, id_number) SELECT id, id_number FROM applicant")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("applicant_search_update", "applicant_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS applicant_search")
