"""batch photos archived when a photo changes or goes, not copied at every export

Revision ID: 0012
Revises: 0011

Invariant: every `batch_item.photo_sha256` (not "") is in `batch_photo` or is the SHA-256 of the current
`photo.normalized` of that item's applicant. An export records the hash only (services/batches/export.py);
these triggers keep the bytes a batch carried before a photo's `normalized` changes, its row moves to another
applicant or goes. By the invariant the only referenced hash of that applicant not yet archived is the old
photo's own, so the old bytes are archived under it. Plain SQL only: a store opened by any SQLite (no function
of ours) keeps the invariant. Stores from before 0012 archived every exported photo: nothing to do for them.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The old photo's bytes under each hash of that applicant's batch items not archived yet.
_KEEP_OLD = """INSERT OR IGNORE INTO batch_photo (sha256, data)
        SELECT DISTINCT bi.photo_sha256, old.normalized FROM batch_item AS bi
        WHERE bi.applicant_id = old.applicant_id AND bi.photo_sha256 <> ''
        AND NOT EXISTS (SELECT 1 FROM batch_photo AS bp WHERE bp.sha256 = bi.photo_sha256);"""

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER batch_photo_keep_update BEFORE UPDATE OF normalized, applicant_id ON photo
    WHEN old.normalized IS NOT NULL
    AND (old.normalized IS NOT new.normalized OR old.applicant_id IS NOT new.applicant_id)
    BEGIN
        {_KEEP_OLD}
    END""",
    f"""CREATE TRIGGER batch_photo_keep_delete BEFORE DELETE ON photo
    WHEN old.normalized IS NOT NULL
    BEGIN
        {_KEEP_OLD}
    END""",
    # INSERT OR REPLACE deletes the row it replaces without firing delete triggers (unless recursive_triggers):
    # the photo row it would replace (same applicant or same id) is kept first.
    """CREATE TRIGGER batch_photo_keep_replace BEFORE INSERT ON photo
    BEGIN
        INSERT OR IGNORE INTO batch_photo (sha256, data)
        SELECT DISTINCT bi.photo_sha256, p.normalized FROM photo AS p JOIN batch_item AS bi
        ON bi.applicant_id = p.applicant_id
        WHERE (p.applicant_id = new.applicant_id OR p.id = new.id) AND p.normalized IS NOT NULL
        AND bi.photo_sha256 <> ''
        AND NOT EXISTS (SELECT 1 FROM batch_photo AS bp WHERE bp.sha256 = bi.photo_sha256);
    END""",
)
SQLITE_TRIGGER_NAMES = ("batch_photo_keep_update", "batch_photo_keep_delete", "batch_photo_keep_replace")

# PostgreSQL: one function for both triggers. The hash is checked too (sha256() is built in): a broken invariant
# never archives bytes under another hash. ON CONFLICT: another seat may archive the same bytes at once.
POSTGRESQL_FUNCTION = """CREATE FUNCTION batch_photo_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.normalized IS NOT NULL AND (TG_OP = 'DELETE' OR OLD.normalized IS DISTINCT FROM NEW.normalized
                                       OR OLD.applicant_id IS DISTINCT FROM NEW.applicant_id) THEN
        INSERT INTO batch_photo (sha256, data)
        SELECT DISTINCT bi.photo_sha256, OLD.normalized FROM batch_item AS bi
        WHERE bi.applicant_id = OLD.applicant_id AND bi.photo_sha256 = encode(sha256(OLD.normalized), 'hex')
        AND NOT EXISTS (SELECT 1 FROM batch_photo AS bp WHERE bp.sha256 = bi.photo_sha256)
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$"""
POSTGRESQL_TRIGGER = ("CREATE TRIGGER batch_photo_keep BEFORE UPDATE OF normalized, applicant_id OR DELETE ON photo "
                      "FOR EACH ROW EXECUTE PROCEDURE batch_photo_keep()")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            conn.exec_driver_sql(trigger)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(POSTGRESQL_FUNCTION)
        conn.exec_driver_sql(POSTGRESQL_TRIGGER)
    else:
        raise NotImplementedError(f"migration 0012 knows SQLite and PostgreSQL, not {conn.dialect.name}")


def downgrade() -> None:
    """The code before 0012 reads batch photos from batch_photo only: what the invariant leaves in `photo` is
    archived first, then the triggers go."""
    conn = op.get_bind()
    same = ("bi.photo_sha256 = encode(sha256(p.normalized), 'hex')" if conn.dialect.name == "postgresql"
            else "bi.photo_sha256 <> ''")
    conn.exec_driver_sql(
        "INSERT INTO batch_photo (sha256, data) SELECT DISTINCT bi.photo_sha256, p.normalized FROM batch_item AS bi "
        f"JOIN photo AS p ON p.applicant_id = bi.applicant_id WHERE {same} AND p.normalized IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM batch_photo AS bp WHERE bp.sha256 = bi.photo_sha256)")
    if conn.dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS batch_photo_keep ON photo")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS batch_photo_keep()")
