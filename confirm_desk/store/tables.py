"""The schema as SQLAlchemy Core tables: one `metadata`, one Table per table. The ORM classes in store/models.py
map onto these tables (Alembic compares against the same metadata); a process that only needs Core (an import
from the command line) imports this module and never maps a class. Applicant columns come from the field
registry, so no field is listed twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.staff_fields import STAFF_FIELDS
from confirm_desk.store.dialects import nocase_string

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _text(name: str, length: int | None = None, default: str = "") -> Column[str]:
    """A text column that is never NULL, '' (or `default`) unless given."""
    return Column(name, String(length) if length else Text(), nullable=False, server_default=default)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _applicant_ref(*, unique: bool | None = None, index: bool | None = None) -> Column[int]:
    return Column("applicant_id", ForeignKey("applicant.id", ondelete="CASCADE"), nullable=False, unique=unique,
                  index=index)


def _at(name: str, *, onupdate: bool = False, index: bool | None = None) -> Column[dt.datetime]:
    return Column(name, DateTime, nullable=False, default=utcnow, onupdate=utcnow if onupdate else None,
                  index=index)


# Columns searched by prefix match any case (see store/dialects.py for how each database does it).
_SEARCHED = {"application_no", "name", "id_number", "school", "confirmation_point"}


def _field_column(key: str, max_length: int) -> Column[str]:
    kind = nocase_string(max_length) if key in _SEARCHED else String(max_length)
    return Column(key, kind, nullable=False, server_default="")


applicant_table = Table(
    "applicant",
    metadata,
    Column("id", Integer, primary_key=True),
    *[_field_column(f.key, f.max_length) for f in FIELDS],
    Column("status", String(20), nullable=False, server_default="pending", index=True),
    Column("flags", String(400), nullable=False, server_default=""),  # automatic check codes, comma-separated
    Column("photo_state", String(20), nullable=False, server_default="none"),  # none / original / normalized
    Column("reprint_needed", Boolean, nullable=False, server_default=false()),
    Column("missing_from_import", Boolean, nullable=False, server_default=false()),
    Column("import_hash", String(64), nullable=False, server_default=""),
    Column("import_batch_id", Integer, ForeignKey("batch.id"), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    # Sync with the national system: the export batch that last carried this applicant, and the version
    # it carried (version > synced_version: changed since that batch).
    Column("synced_batch", Integer, nullable=True),
    Column("synced_version", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("updated_at", DateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index("uq_applicant_application_no", "application_no", unique=True),
    Index("ix_applicant_name", "name"),
    Index("ix_applicant_id_number", "id_number"),
    Index("ix_applicant_school", "school"),
    Index("ix_applicant_confirmation_point", "confirmation_point"),
)


def with_new_version(**values: object) -> dict[str, object]:
    """Values for a Core UPDATE of applicant rows that also raises their version: every change must, so
    that a seat holding the older version is refused instead of overwriting (optimistic locking)."""
    return {**values, "version": applicant_table.c.version + 1}


confirmation_point_table = Table(
    "confirmation_point",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    _text("code", 40),
)

# The photo as supplied (kept untouched) and, once made, the normalised 114x156 JPEG.
photo_table = Table(
    "photo",
    metadata,
    _id(),
    _applicant_ref(unique=True),
    Column("original", LargeBinary, nullable=False),
    _text("original_name", 260),
    _text("original_sha256", 64),
    Column("normalized", LargeBinary, nullable=True),
    _text("crop_box", 80),  # "x,y,w,h" in upright pixels
    Column("rotation", Integer, nullable=False, server_default="0"),
    _text("problem", 400),
    _at("updated_at", onupdate=True),
)

operator_table = Table(
    "operator",
    metadata,
    _id(),
    Column("username", nocase_string(60), nullable=False, unique=True),
    _text("display_name", 60),
    _text("role", 20, "confirmer"),  # confirmer / admin
    Column("password_hash", String(200), nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime, nullable=True),
    Column("active", Boolean, nullable=False, server_default=true()),
    _at("created_at"),
)

# One change: who, when, which applicant, which field, old and new value.
audit_table = Table(
    "audit_event",
    metadata,
    _id(),
    _at("at", index=True),
    _text("operator", 60),
    Column("action", String(40), nullable=False, index=True),
    Column("applicant_id", ForeignKey("applicant.id", ondelete="SET NULL"), nullable=True, index=True),
    _text("application_no", 40),
    _text("field", 60),
    _text("old_value"),
    _text("new_value"),
    _text("detail"),
)

_EXPORT_NUMBERS = "kind = 'export'"

# An import or export unit, recorded so every row can be traced to the file it came in or went out with.
batch_table = Table(
    "batch",
    metadata,
    _id(),
    Column("kind", String(20), nullable=False),  # import / export
    Column("number", Integer, nullable=False, server_default="0"),
    _text("file_name", 260),
    _text("file_sha256", 64),
    _text("operator", 60),
    _at("created_at"),
    Column("row_count", Integer, nullable=False, server_default="0"),
    _text("summary"),
    _text("confirmation_point", 200),
    _text("manifest"),  # export: manifest.json as written
    # Two seats exporting at once cannot both write batch N. PostgreSQL's WHERE: add_postgresql_options().
    Index("uq_batch_export_number", "number", unique=True, sqlite_where=text(_EXPORT_NUMBERS)),
)

# One applicant as an export batch carried it: the version and the row exactly as written.
batch_item_table = Table(
    "batch_item",
    metadata,
    _id(),
    Column("batch_id", ForeignKey("batch.id", ondelete="CASCADE"), nullable=False),
    _applicant_ref(index=True),
    Column("applicant_version", Integer, nullable=False),
    Column("row", Text, nullable=False),  # JSON of the results.xlsx row (what re-exporting writes again)
    _text("photo_sha256", 64),
    UniqueConstraint("batch_id", "applicant_id"),  # also the index batch look-ups use
)

# Photo bytes as exported, by content: a batch stays reproducible after a photo is redone.
batch_photo_table = Table(
    "batch_photo",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# A field edited here that a newer import also changed: local value kept until the confirmer picks.
import_conflict_table = Table(
    "import_conflict",
    metadata,
    _id(),
    _applicant_ref(index=True),
    Column("field", String(60), nullable=False),
    _text("local_value"),
    _text("incoming_value"),
    Column("import_batch_id", ForeignKey("batch.id"), nullable=True),
    _at("created_at"),
    Column("resolution", String(20), nullable=False, server_default="", index=True),  # "" = pending
    _text("resolved_by", 60),
    Column("resolved_at", DateTime, nullable=True),
)

# Store-wide settings that every seat must share (e.g. this confirmation point's name).
setting_table = Table(
    "setting",
    metadata,
    Column("key", String(80), primary_key=True),
    _text("value"),
)


def _check_row(name: str, unique: str, *columns: Column[Any]) -> Table:
    """A check mark's table: its own columns, then those every check mark has: the applicant, who set it
    and when (CONF-6); one mark per applicant and `unique`."""
    return Table(
        name,
        metadata,
        *columns,
        _id(),
        _applicant_ref(),
        _text("operator", 60),
        _at("checked_at"),
        UniqueConstraint("applicant_id", unique),
    )


# The confirmer's compare mark for one field against the original (一致 / 不一致 + what it shows).
field_check_table = _check_row(
    "field_check", "field",
    Column("field", String(60), nullable=False),
    Column("matches", Boolean, nullable=False),
    _text("original_value"),
)
# One item of the materials checklist (CONF-4): handed in or not.
material_check_table = _check_row(
    "material_check", "material",
    Column("material", String(200), nullable=False),
    Column("present", Boolean, nullable=False),
)
# One of the 7 registration conditions: 具备 (met), 不具备 (not met, with a reason), or not judged.
condition_check_table = _check_row(
    "condition_check", "number",
    Column("number", Integer, nullable=False),  # 1..7 = COND-1..COND-7
    Column("met", Boolean, nullable=True),
    _text("reason"),
)

# A confirmation decision as made (history kept: the newest row is the current one).
decision_table = Table(
    "decision",
    metadata,
    _id(),
    _applicant_ref(index=True),
    Column("outcome", String(20), nullable=False),  # Status value: confirmed / rejected / incomplete
    _text("reason"),
    _text("missing", default="[]"),  # JSON list of material labels
    _text("conditions", default="[]"),  # JSON [[met, reason], ...] as decided
    _text("reopen_reason"),
    _text("operator", 60),
    _at("decided_at", index=True),
)

# A seat has an applicant open for checking until `expires_at` (renewed while the dialog is open).
lease_table = Table(
    "applicant_lease",
    metadata,
    _id(),
    _applicant_ref(index=True),
    Column("operator", String(60), nullable=False),
    Column("seat", String(120), nullable=False),  # host and process: one operator may sit at two PCs
    Column("claimed_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
    UniqueConstraint("applicant_id", "operator", "seat"),
)


# The schools' staff list (教职工名单, rules COV-1…6): one row per ID number, columns from
# domain.staff_fields; re-importing updates a row in place.
staff_table = Table(
    "staff_member",
    metadata,
    Column("id", Integer, primary_key=True),
    *[Column(f.key, String(f.max_length), nullable=False, server_default="") for f in STAFF_FIELDS],
    Column("import_hash", String(64), nullable=False, server_default=""),
    Column("source_file", String(260), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("updated_at", DateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index("uq_staff_member_id_number", "id_number", unique=True),
    Index("ix_staff_member_school", "school"),
)


# Evidence for the registration conditions (COND-2, 4, 5), keyed by ID number; re-importing updates in place.
training_table = Table(
    "training_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(40), nullable=False),
    Column("name", String(60), nullable=False, server_default=""),
    Column("year", Integer, nullable=False, server_default="0"),  # 0: only the date is known
    Column("on_date", String(10), nullable=False, server_default=""),  # ISO day, or "" when only the year
    Column("course", String(200), nullable=False, server_default=""),
    Column("hours", Float, nullable=True),  # as given
    Column("credits", Float, nullable=True),  # as given; hours = credits × the store's setting when no hours
    Column("source_file", String(260), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("updated_at", DateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index("uq_training_record_key", "id_number", "year", "on_date", "course", unique=True),
)
assessment_table = Table(
    "assessment_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(40), nullable=False),
    Column("name", String(60), nullable=False, server_default=""),
    Column("year", Integer, nullable=False),
    Column("result", String(20), nullable=False),  # 优秀 / 合格 / 基本合格 / 不合格 / 不定等次
    Column("source_file", String(260), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("updated_at", DateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index("uq_assessment_record_key", "id_number", "year", unique=True),
)
contract_table = Table(
    "contract_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(40), nullable=False),
    Column("name", String(60), nullable=False, server_default=""),
    Column("start_date", String(10), nullable=False, server_default=""),
    Column("end_date", String(10), nullable=False, server_default=""),  # "" with open_ended: 无固定期限
    Column("open_ended", Boolean, nullable=False, server_default=false()),
    Column("source_file", String(260), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("updated_at", DateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index("uq_contract_record_id_number", "id_number", unique=True),
)

# What was keyed into the national system for one applicant, by whom and when (issue 21).
# `event_id` is the newest decision/edit audit event the keying covered: a later one makes the applicant
# due again. `status` and `fields` (JSON {key: value}) are what was keyed. `settled` records how the
# clerk settled a national status that disagreed with the desk (keep / take) and `settled_national` the
# national status word it was settled against.
keying_table = Table(
    "keying_record",
    metadata,
    _id(),
    _applicant_ref(unique=True),
    Column("event_id", Integer, nullable=False, server_default="0"),
    Column("applicant_version", Integer, nullable=False, server_default="0"),
    _text("status", 20),
    _text("fields", default="{}"),
    _text("operator", 60),
    Column("keyed_at", DateTime, nullable=True),
    _text("settled", 20),
    _text("settled_national", 200),
)


# 档案袋编号 (manual 001 item 10): a second registration keeps the bag number of the first, kept per ID number;
# new applicants get the next number of the point's pattern. `source`: assigned / imported / typed.
archive_bag_table = Table(
    "archive_bag",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(40), nullable=False),
    Column("number", String(60), nullable=False),
    Column("source", String(20), nullable=False, server_default="assigned"),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Index("uq_archive_bag_id_number", "id_number", unique=True),
    Index("uq_archive_bag_number", "number", unique=True),
)

# A captured picture of an original (教师资格证书, 居民身份证) kept as evidence of the check: a compressed JPEG,
# what the scan read from it (JSON), who captured it and when. In backups; never in synced batches.
scan_image_table = Table(
    "scan_image",
    metadata,
    _id(),
    _applicant_ref(index=True),
    _text("kind", 20),  # certificate / id_card / "" (not read)
    Column("image", LargeBinary, nullable=False),
    Column("width", Integer, nullable=False, server_default="0"),
    Column("height", Integer, nullable=False, server_default="0"),
    _text("source_name", 260),
    _text("sha256", 64),  # of the stored JPEG
    _text("reading"),  # JSON: fields with value/confidence/result
    _text("operator", 60),
    _at("captured_at"),
)


def add_postgresql_options() -> None:
    """The PostgreSQL half of the partial index above (migration 0003 creates both halves). Naming
    `postgresql_where` in the table would load SQLAlchemy's whole PostgreSQL dialect — tens of milliseconds,
    more than the rest of this module — into every SQLite process, only to check the keyword; store/db.py
    calls this when it opens a PostgreSQL store, whose dialect is loaded by then."""
    index = next(i for i in batch_table.indexes if i.name == "uq_batch_export_number")
    index.dialect_options["postgresql"]["where"] = text(_EXPORT_NUMBERS)
