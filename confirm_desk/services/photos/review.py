"""Every applicant's photo state and findings for the review sheet and the contact sheet (no Qt)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.photo_checks import SHORT, Finding, decode_findings
from confirm_desk.store.models import Photo, applicant_table

t = applicant_table
STATE_BADGE = {"none": "无照片", "original": "未规范"}


@dataclass(frozen=True)
class ReviewItem:
    applicant_id: int
    application_no: str
    name: str
    state: str  # none / original / normalized (the list's photo_state)
    findings: tuple[Finding, ...]
    note: str  # a failure message or a normaliser's warning, in plain text

    @property
    def has_photo(self) -> bool:
        return self.state != "none"

    @property
    def has_problem(self) -> bool:
        """Needs a person: a finding, a failure, or a photo nobody has normalised yet."""
        return bool(self.findings or self.note) or self.state != "normalized"

    @property
    def badges(self) -> list[str]:
        state = [STATE_BADGE[self.state]] if self.state in STATE_BADGE else []
        failed = ["失败"] if self.note and not self.findings and self.state != "normalized" else []
        return state + failed + [SHORT.get(f.code, f.code) for f in self.findings]

    @property
    def messages(self) -> list[str]:
        return [f.message for f in self.findings] + ([self.note] if self.note else [])


def review_items(session: Session) -> list[ReviewItem]:
    """Every applicant, by 报名号, with the findings stored by the last normalising (no image bytes)."""
    query = (select(t.c.id, t.c.application_no, t.c.name, t.c.photo_state, Photo.problem)
             .select_from(t.outerjoin(Photo, Photo.applicant_id == t.c.id)).order_by(t.c.application_no))
    items = []
    for row in session.execute(query):
        findings, note = decode_findings(row.problem or "")
        items.append(ReviewItem(row.id, row.application_no or "", row.name or "", row.photo_state or "none",
                                tuple(findings), note))
    return items


def photo_bytes(session: Session, applicant_ids: Iterable[int]) -> dict[int, tuple[bytes, bool]]:
    """applicant id -> (the photo to show, whether it is the normalised one), for a page of items."""
    ids = list(applicant_ids)
    if not ids:
        return {}
    rows = session.execute(select(Photo.applicant_id, Photo.normalized, Photo.original)
                           .where(Photo.applicant_id.in_(ids)))
    return {r.applicant_id: ((r.normalized, True) if r.normalized else (r.original, False)) for r in rows}
