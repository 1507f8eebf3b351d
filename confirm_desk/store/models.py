"""The ORM classes, each mapped onto its Core table in store/tables.py (the schema is declared there once; the
attributes under TYPE_CHECKING only tell the type checker what each column holds, and tests/test_models_typing.py
keeps them equal to the tables). A process that needs only Core statements imports store.tables and never maps
these classes (an import from the command line: tests/test_startup.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from confirm_desk.domain.fields import FIELDS
from confirm_desk.store.tables import (
    NAMING,
    add_postgresql_options,
    applicant_table,
    archive_bag_table,
    assessment_table,
    audit_table,
    batch_item_table,
    batch_photo_table,
    batch_table,
    condition_check_table,
    confirmation_point_table,
    contract_table,
    decision_table,
    field_check_table,
    import_conflict_table,
    keying_table,
    lease_table,
    material_check_table,
    metadata,
    operator_table,
    photo_table,
    scan_image_table,
    setting_table,
    staff_table,
    training_table,
    utcnow,
    with_new_version,
)

__all__ = [  # the tables and helpers are still importable from here, as before the split
    "NAMING", "Applicant", "AuditEvent", "Base", "Batch", "BatchItem", "BatchPhoto", "ConditionCheck",
    "ConfirmationPoint", "Decision", "FieldCheck", "ImportConflict", "KeyingRecord", "Lease", "MaterialCheck",
    "Operator", "Photo", "ScanImage", "Setting", "add_postgresql_options", "applicant_table", "archive_bag_table",
    "assessment_table", "contract_table", "staff_table", "table_of", "training_table", "utcnow",
    "with_new_version",
]


class Base(DeclarativeBase):
    metadata = metadata


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table, typed as one (every model here is a plain declarative table)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


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
    __table__ = confirmation_point_table

    if TYPE_CHECKING:
        id: Mapped[int]
        name: Mapped[str]
        code: Mapped[str]


class Photo(Base):
    """The photo as supplied (kept untouched) and, once made, the normalised 114x156 JPEG."""

    __table__ = photo_table

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        original: Mapped[bytes]
        original_name: Mapped[str]
        original_sha256: Mapped[str]
        normalized: Mapped[bytes | None]
        crop_box: Mapped[str]
        rotation: Mapped[int]
        problem: Mapped[str]
        updated_at: Mapped[dt.datetime]

    applicant: Mapped[Applicant] = relationship(back_populates="photo")


class Operator(Base):
    __table__ = operator_table

    if TYPE_CHECKING:
        id: Mapped[int]
        username: Mapped[str]
        display_name: Mapped[str]
        role: Mapped[str]
        password_hash: Mapped[str]
        failed_attempts: Mapped[int]
        locked_until: Mapped[dt.datetime | None]
        active: Mapped[bool]
        created_at: Mapped[dt.datetime]


class AuditEvent(Base):
    """One change: who, when, which applicant, which field, old and new value."""

    __table__ = audit_table

    if TYPE_CHECKING:
        id: Mapped[int]
        at: Mapped[dt.datetime]
        operator: Mapped[str]
        action: Mapped[str]
        applicant_id: Mapped[int | None]
        application_no: Mapped[str]
        field: Mapped[str]
        old_value: Mapped[str]
        new_value: Mapped[str]
        detail: Mapped[str]


class Batch(Base):
    """An import or export unit, recorded so every row can be traced to the file it came in or went out with."""

    __table__ = batch_table

    if TYPE_CHECKING:
        id: Mapped[int]
        kind: Mapped[str]
        number: Mapped[int]
        file_name: Mapped[str]
        file_sha256: Mapped[str]
        operator: Mapped[str]
        created_at: Mapped[dt.datetime]
        row_count: Mapped[int]
        summary: Mapped[str]
        confirmation_point: Mapped[str]
        manifest: Mapped[str]


class BatchItem(Base):
    """One applicant as an export batch carried it: the version and the row exactly as written."""

    __table__ = batch_item_table

    if TYPE_CHECKING:
        id: Mapped[int]
        batch_id: Mapped[int]
        applicant_id: Mapped[int]
        applicant_version: Mapped[int]
        row: Mapped[str]
        photo_sha256: Mapped[str]


class BatchPhoto(Base):
    """Photo bytes as exported, by content: a batch stays reproducible after a photo is redone."""

    __table__ = batch_photo_table

    if TYPE_CHECKING:
        sha256: Mapped[str]
        data: Mapped[bytes]


class ImportConflict(Base):
    """A field edited here that a newer import also changed: local value kept until the confirmer picks."""

    __table__ = import_conflict_table

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        field: Mapped[str]
        local_value: Mapped[str]
        incoming_value: Mapped[str]
        import_batch_id: Mapped[int | None]
        created_at: Mapped[dt.datetime]
        resolution: Mapped[str]
        resolved_by: Mapped[str]
        resolved_at: Mapped[dt.datetime | None]


class Setting(Base):
    """Store-wide settings that every seat must share (e.g. this confirmation point's name)."""

    __table__ = setting_table

    if TYPE_CHECKING:
        key: Mapped[str]
        value: Mapped[str]


class _CheckRow:
    """Columns every check mark has: the applicant, who set it and when (CONF-6)."""

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        operator: Mapped[str]
        checked_at: Mapped[dt.datetime]


class FieldCheck(_CheckRow, Base):
    """The confirmer's compare mark for one field against the original (一致 / 不一致 + what it shows)."""

    __table__ = field_check_table

    if TYPE_CHECKING:
        field: Mapped[str]
        matches: Mapped[bool]
        original_value: Mapped[str]


class MaterialCheck(_CheckRow, Base):
    """One item of the materials checklist (CONF-4): handed in or not."""

    __table__ = material_check_table

    if TYPE_CHECKING:
        material: Mapped[str]
        present: Mapped[bool]


class ConditionCheck(_CheckRow, Base):
    """One of the 7 registration conditions: 具备 (met), 不具备 (not met, with a reason), or not judged."""

    __table__ = condition_check_table

    if TYPE_CHECKING:
        number: Mapped[int]
        met: Mapped[bool | None]
        reason: Mapped[str]


class Decision(Base):
    """A confirmation decision as made (history kept: the newest row is the current one)."""

    __table__ = decision_table

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        outcome: Mapped[str]
        reason: Mapped[str]
        missing: Mapped[str]
        conditions: Mapped[str]
        reopen_reason: Mapped[str]
        operator: Mapped[str]
        decided_at: Mapped[dt.datetime]


class Lease(Base):
    """A seat has an applicant open for checking until `expires_at` (renewed while the dialog is open)."""

    __table__ = lease_table

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        operator: Mapped[str]
        seat: Mapped[str]
        claimed_at: Mapped[dt.datetime]
        expires_at: Mapped[dt.datetime]


class KeyingRecord(Base):
    """What was keyed into the national system for one applicant, by whom and when (issue 21).

    `event_id` is the newest decision/edit audit event the keying covered: a later one makes the applicant
    due again. `status` and `fields` (JSON {key: value}) are what was keyed. `settled` records how the
    clerk settled a national status that disagreed with the desk (keep / take) and `settled_national` the
    national status word it was settled against."""

    __table__ = keying_table

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        event_id: Mapped[int]
        applicant_version: Mapped[int]
        status: Mapped[str]
        fields: Mapped[str]
        operator: Mapped[str]
        keyed_at: Mapped[dt.datetime | None]
        settled: Mapped[str]
        settled_national: Mapped[str]


class ScanImage(Base):
    """A captured picture of an original (教师资格证书, 居民身份证) kept as evidence of the check: a compressed
    JPEG, what the scan read from it (JSON), who captured it and when. In backups; never in synced batches."""

    __table__ = scan_image_table

    if TYPE_CHECKING:
        id: Mapped[int]
        applicant_id: Mapped[int]
        kind: Mapped[str]
        image: Mapped[bytes]
        width: Mapped[int]
        height: Mapped[int]
        source_name: Mapped[str]
        sha256: Mapped[str]
        reading: Mapped[str]
        operator: Mapped[str]
        captured_at: Mapped[dt.datetime]
