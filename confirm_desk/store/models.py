"""The schema. Applicant columns come from the field registry, so no field is listed twice."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Columns searched by prefix match any case (see store/dialects.py for how each database does it).
_SEARCHED = {"application_no", "name", "id_number", "school", "confirmation_point"}


def _field_column(key: str, max_length: int) -> Column[str]:
    kind = nocase_string(max_length) if key in _SEARCHED else String(max_length)
    return Column(key, kind, nullable=False, server_default="")


applicant_table = Table(
    "applicant",
    Base.metadata,
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


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table, typed as one (every model here is a plain declarative table)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def with_new_version(**values: object) -> dict[str, object]:
    """Values for a Core UPDATE of applicant rows that also raises their version: every change must, so
    that a seat holding the older version is refused instead of overwriting (optimistic locking)."""
    return {**values, "version": applicant_table.c.version + 1}


class Applicant(Base):
    __table__ = applicant_table
    __mapper_args__ = {"version_id_col": applicant_table.c.version}  # noqa: RUF012

    if TYPE_CHECKING:
        # The columns come from applicant_table (the field registry); these declarations only tell the type
        # checker what each attribute holds. tests/test_models_typing.py keeps them equal to the table.
        id: Mapped[int]
        application_no: Mapped[str]
        name: Mapped[str]
        gender: Mapped[str]
        ethnicity: Mapped[str]
        id_type: Mapped[str]
        id_number: Mapped[str]
        birth_date: Mapped[str]
        political_status: Mapped[str]
        mandarin_level: Mapped[str]
        phone: Mapped[str]
        email: Mapped[str]
        address: Mapped[str]
        postcode: Mapped[str]
        cert_number: Mapped[str]
        cert_type: Mapped[str]
        cert_subject: Mapped[str]
        cert_issuer: Mapped[str]
        cert_issue_date: Mapped[str]
        cert_on_record: Mapped[str]
        registration_type: Mapped[str]
        registration_count: Mapped[str]
        applied_on: Mapped[str]
        registration_authority: Mapped[str]
        confirmation_point: Mapped[str]
        online_status: Mapped[str]
        school: Mapped[str]
        school_nature: Mapped[str]
        school_location: Mapped[str]
        teaching_stage: Mapped[str]
        teaching_subject: Mapped[str]
        title: Mapped[str]
        post_nature: Mapped[str]
        work_started_on: Mapped[str]
        hired_on: Mapped[str]
        education: Mapped[str]
        degree: Mapped[str]
        graduated_from: Mapped[str]
        graduated_on: Mapped[str]
        major: Mapped[str]
        major_category: Mapped[str]
        study_mode: Mapped[str]
        status: Mapped[str]
        flags: Mapped[str]
        photo_state: Mapped[str]
        reprint_needed: Mapped[bool]
        missing_from_import: Mapped[bool]
        import_hash: Mapped[str]
        import_batch_id: Mapped[int | None]
        version: Mapped[int]
        synced_batch: Mapped[int | None]
        synced_version: Mapped[int]
        created_at: Mapped[dt.datetime]
        updated_at: Mapped[dt.datetime]

    photo: Mapped[Photo | None] = relationship(back_populates="applicant", uselist=False, lazy="raise")

    def values(self) -> dict[str, str]:
        return {f.key: getattr(self, f.key) or "" for f in FIELDS}


class ConfirmationPoint(Base):
    __tablename__ = "confirmation_point"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(40), server_default="")


class Photo(Base):
    """The photo as supplied (kept untouched) and, once made, the normalised 114x156 JPEG."""

    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), unique=True)
    original: Mapped[bytes] = mapped_column(LargeBinary)
    original_name: Mapped[str] = mapped_column(String(260), server_default="")
    original_sha256: Mapped[str] = mapped_column(String(64), server_default="")
    normalized: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    crop_box: Mapped[str] = mapped_column(String(80), server_default="")  # "x,y,w,h" in upright pixels
    rotation: Mapped[int] = mapped_column(Integer, server_default="0")
    problem: Mapped[str] = mapped_column(String(400), server_default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    applicant: Mapped[Applicant] = relationship(back_populates="photo")


class Operator(Base):
    __tablename__ = "operator"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(nocase_string(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), server_default="")
    role: Mapped[str] = mapped_column(String(20), server_default="confirmer")  # confirmer / admin
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """One change: who, when, which applicant, which field, old and new value."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    operator: Mapped[str] = mapped_column(String(60), server_default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"), nullable=True, index=True
    )
    application_no: Mapped[str] = mapped_column(String(40), server_default="")
    field: Mapped[str] = mapped_column(String(60), server_default="")
    old_value: Mapped[str] = mapped_column(Text, server_default="")
    new_value: Mapped[str] = mapped_column(Text, server_default="")
    detail: Mapped[str] = mapped_column(Text, server_default="")


_EXPORT_NUMBERS = "kind = 'export'"


class Batch(Base):
    """An import or export unit, recorded so every row can be traced to the file it came in or went out with."""

    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # import / export
    number: Mapped[int] = mapped_column(Integer, server_default="0")
    file_name: Mapped[str] = mapped_column(String(260), server_default="")
    file_sha256: Mapped[str] = mapped_column(String(64), server_default="")
    operator: Mapped[str] = mapped_column(String(60), server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    row_count: Mapped[int] = mapped_column(Integer, server_default="0")
    summary: Mapped[str] = mapped_column(Text, server_default="")
    confirmation_point: Mapped[str] = mapped_column(String(200), server_default="")
    manifest: Mapped[str] = mapped_column(Text, server_default="")  # export: manifest.json as written

    # Two seats exporting at once cannot both write batch N. PostgreSQL's WHERE: add_postgresql_options().
    __table_args__ = (
        Index("uq_batch_export_number", "number", unique=True, sqlite_where=text(_EXPORT_NUMBERS)),
    )


class BatchItem(Base):
    """One applicant as an export batch carried it: the version and the row exactly as written."""

    __tablename__ = "batch_item"
    __table_args__ = (UniqueConstraint("batch_id", "applicant_id"),)  # also the index batch look-ups use
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    applicant_version: Mapped[int] = mapped_column(Integer)
    row: Mapped[str] = mapped_column(Text)  # JSON of the results.xlsx row (what re-exporting writes again)
    photo_sha256: Mapped[str] = mapped_column(String(64), server_default="")


class BatchPhoto(Base):
    """Photo bytes as exported, by content: a batch stays reproducible after a photo is redone."""

    __tablename__ = "batch_photo"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportConflict(Base):
    """A field edited here that a newer import also changed: local value kept until the confirmer picks."""

    __tablename__ = "import_conflict"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(60))
    local_value: Mapped[str] = mapped_column(Text, server_default="")
    incoming_value: Mapped[str] = mapped_column(Text, server_default="")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    resolution: Mapped[str] = mapped_column(String(20), server_default="", index=True)  # "" = pending
    resolved_by: Mapped[str] = mapped_column(String(60), server_default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Setting(Base):
    """Store-wide settings that every seat must share (e.g. this confirmation point's name)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, server_default="")




class _CheckRow:
    """Columns every check mark has: the applicant, who set it and when (CONF-6)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    operator: Mapped[str] = mapped_column(String(60), server_default="")
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FieldCheck(_CheckRow, Base):
    """The confirmer's compare mark for one field against the original (一致 / 不一致 + what it shows)."""

    __tablename__ = "field_check"
    __table_args__ = (UniqueConstraint("applicant_id", "field"),)
    field: Mapped[str] = mapped_column(String(60))
    matches: Mapped[bool] = mapped_column(Boolean)
    original_value: Mapped[str] = mapped_column(Text, server_default="")


class MaterialCheck(_CheckRow, Base):
    """One item of the materials checklist (CONF-4): handed in or not."""

    __tablename__ = "material_check"
    __table_args__ = (UniqueConstraint("applicant_id", "material"),)
    material: Mapped[str] = mapped_column(String(200))
    present: Mapped[bool] = mapped_column(Boolean)


class ConditionCheck(_CheckRow, Base):
    """One of the 7 registration conditions: 具备 (met), 不具备 (not met, with a reason), or not judged."""

    __tablename__ = "condition_check"
    __table_args__ = (UniqueConstraint("applicant_id", "number"),)
    number: Mapped[int] = mapped_column(Integer)  # 1..7 = COND-1..COND-7
    met: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    reason: Mapped[str] = mapped_column(Text, server_default="")


class Decision(Base):
    """A confirmation decision as made (history kept: the newest row is the current one)."""

    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # Status value: confirmed / rejected / incomplete
    reason: Mapped[str] = mapped_column(Text, server_default="")
    missing: Mapped[str] = mapped_column(Text, server_default="[]")  # JSON list of material labels
    conditions: Mapped[str] = mapped_column(Text, server_default="[]")  # JSON [[met, reason], ...] as decided
    reopen_reason: Mapped[str] = mapped_column(Text, server_default="")
    operator: Mapped[str] = mapped_column(String(60), server_default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Lease(Base):
    """A seat has an applicant open for checking until `expires_at` (renewed while the dialog is open)."""

    __tablename__ = "applicant_lease"
    __table_args__ = (UniqueConstraint("applicant_id", "operator", "seat"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    operator: Mapped[str] = mapped_column(String(60))
    seat: Mapped[str] = mapped_column(String(120))  # host and process: one operator may sit at two PCs
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


# The schools' staff list (教职工名单, rules COV-1…6): one row per ID number, columns from
# domain.staff_fields; re-importing updates a row in place.
staff_table = Table(
    "staff_member",
    Base.metadata,
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
    Base.metadata,
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
    Base.metadata,
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
    Base.metadata,
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


class KeyingRecord(Base):
    """What was keyed into the national system for one applicant, by whom and when (issue 21).

    `event_id` is the newest decision/edit audit event the keying covered: a later one makes the applicant
    due again. `status` and `fields` (JSON {key: value}) are what was keyed. `settled` records how the
    clerk settled a national status that disagreed with the desk (keep / take) and `settled_national` the
    national status word it was settled against."""

    __tablename__ = "keying_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(Integer, server_default="0")
    applicant_version: Mapped[int] = mapped_column(Integer, server_default="0")
    status: Mapped[str] = mapped_column(String(20), server_default="")
    fields: Mapped[str] = mapped_column(Text, server_default="{}")
    operator: Mapped[str] = mapped_column(String(60), server_default="")
    keyed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    settled: Mapped[str] = mapped_column(String(20), server_default="")
    settled_national: Mapped[str] = mapped_column(String(200), server_default="")


# 档案袋编号 (manual 001 item 10): a second registration keeps the bag number of the first, kept per ID number;
# new applicants get the next number of the point's pattern. `source`: assigned / imported / typed.
archive_bag_table = Table(
    "archive_bag",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(40), nullable=False),
    Column("number", String(60), nullable=False),
    Column("source", String(20), nullable=False, server_default="assigned"),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Index("uq_archive_bag_id_number", "id_number", unique=True),
    Index("uq_archive_bag_number", "number", unique=True),
)


class ScanImage(Base):
    """A captured picture of an original (教师资格证书, 居民身份证) kept as evidence of the check: a compressed
    JPEG, what the scan read from it (JSON), who captured it and when. In backups; never in synced batches."""

    __tablename__ = "scan_image"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), server_default="")  # certificate / id_card / "" (not read)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer, server_default="0")
    height: Mapped[int] = mapped_column(Integer, server_default="0")
    source_name: Mapped[str] = mapped_column(String(260), server_default="")
    sha256: Mapped[str] = mapped_column(String(64), server_default="")  # of the stored JPEG
    reading: Mapped[str] = mapped_column(Text, server_default="")  # JSON: fields with value/confidence/result
    operator: Mapped[str] = mapped_column(String(60), server_default="")
    captured_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def add_postgresql_options() -> None:
    """The PostgreSQL half of the partial index above (migration 0003 creates both halves). Naming
    `postgresql_where` in the class would load SQLAlchemy's whole PostgreSQL dialect — tens of milliseconds,
    more than the rest of this module — into every SQLite process, only to check the keyword; store/db.py
    calls this when it opens a PostgreSQL store, whose dialect is loaded by then."""
    index = next(i for i in Base.metadata.tables["batch"].indexes if i.name == "uq_batch_export_number")
    index.dialect_options["postgresql"]["where"] = text(_EXPORT_NUMBERS)
