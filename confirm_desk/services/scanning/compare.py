"""Reading a document image and comparing it with the application: match / differs / unread per field.

Compare, never decide. A field is `match` only when the normalised values are exactly equal, the OCR was
sure of the line (MATCH_CONFIDENCE) and the value has its type's shape (an ID number passes its checksum, a
certificate number its layout). Anything doubtful is `unread` for the clerk; a sure difference is `differs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from confirm_desk.domain import idnumbers
from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.text import compact_code, parse_date, to_halfwidth
from confirm_desk.services.scanning import engine
from confirm_desk.services.scanning.kinds import DocumentKind, kind_named, recognise
from confirm_desk.services.scanning.reader import FieldReading, read_fields

MATCH = "match"
DIFFERS = "differs"
UNREAD = "unread"
RESULT_LABELS = {MATCH: "一致", DIFFERS: "不一致", UNREAD: "未读出"}
MATCH_CONFIDENCE = 0.90  # a line read less surely never marks 一致
CORROBORATED_CONFIDENCE = 0.75
DIFFER_CONFIDENCE = 0.60  # below this a different value is more likely a misreading: 未读出
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})


@dataclass(frozen=True)
class Reading:
    """One image read: its kind and fields (in the kind's order), plus every line for the record."""

    kind: DocumentKind
    fields: dict[str, FieldReading]
    lines: list[engine.Line] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.key,
            "kind_label": self.kind.label,
            "fields": {key: {"value": f.value, "confidence": f.confidence} for key, f in self.fields.items()},
        }


@dataclass(frozen=True)
class FieldComparison:
    key: str  # the registry key
    label: str
    desk: str
    scanned: str
    confidence: float
    result: str  # match / differs / unread
    source: str = ""  # the document kind it was read from

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]


def read_document(image: bytes | str | Path, kind: str | None = None) -> Reading:
    """OCR one image and read the fields of its kind (given, or recognised from the text). When the first
    pass finds the kind or fewer than half its fields (small text: an ID card in a large picture), the
    detection runs again at twice the resolution and the better reading is kept."""
    pixels = engine.decode(image)
    reading = _read(engine.read_lines(pixels), kind)
    if _poor(reading) and max(pixels.shape[:2]) > FINE_MIN_SIDE:
        again = _read(engine.read_lines(pixels, fine=True), kind)
        if _score(again) > _score(reading):
            reading = again
    if reading.kind is None:
        raise KnownError(
            "无法识别证件类型：图像中没有读到教师资格证书或居民身份证的栏目名称。"
            "请把证件放正、拍清楚后重试，或指定证件类型。"
        )
    return reading


FINE_MIN_SIDE = 1200  # pixels: below this the normal pass already sees the text at full size


def _read(lines: list[engine.Line], kind: str | None) -> Reading:
    text = "".join(line.text for line in lines)
    chosen = kind_named(kind) if kind else recognise(to_halfwidth(text))
    return Reading(chosen, read_fields(chosen, lines) if chosen else {}, lines)  # type: ignore[arg-type]


def _score(reading: Reading) -> int:
    return -1 if reading.kind is None else sum(1 for f in reading.fields.values() if f.read)


def _poor(reading: Reading) -> bool:
    return reading.kind is None or 2 * _score(reading) < len(reading.kind.fields)


def normalise(value: str, value_type: str) -> str:
    """The form two values are compared in: half-width, no spaces, dates ISO, codes upper-case."""
    text = to_halfwidth(value or "").translate(_BRACKETS)
    if value_type == "date":
        day = parse_date(text.replace(" ", ""))
        return day.isoformat() if day else "".join(text.split())
    if value_type in ("id_number", "cert_number"):
        return compact_code(text)
    if value_type == "ethnicity":
        return "".join(text.split()).removesuffix("族")
    if value_type == "cert_type":  # 高级中学 as printed on some certificates = 高级中学教师资格 in the system
        return "".join(text.split()).removesuffix("教师资格")
    return re.sub(r"\s+", "", text).strip("。.")


def compare_field(reading: FieldReading, desk_value: str, value_type: str, source: str = "",
                  corroborated: bool = False) -> FieldComparison:
    """`corroborated`: the same document's ID number (checksum passed) says the same birth date or sex, so
    a line read a little less surely (CORROBORATED_CONFIDENCE) may still mark 一致."""
    desk = normalise(desk_value, value_type)
    scanned = normalise(reading.value, value_type) if reading.value else ""
    needed = CORROBORATED_CONFIDENCE if corroborated else MATCH_CONFIDENCE
    if not reading.read:
        result = UNREAD
    elif scanned == desk:
        result = MATCH if reading.confidence >= needed else UNREAD
    else:
        result = DIFFERS if reading.confidence >= DIFFER_CONFIDENCE else UNREAD
    return FieldComparison(reading.desk or reading.key, reading.label, desk_value, reading.value,
                           reading.confidence, result, source)


def compare(readings: list[Reading], desk_values: dict[str, str]) -> dict[str, FieldComparison]:
    """Every registry key the documents show, compared with the application. Several documents showing the
    same field: any `differs` wins (the clerk must look), then `match`, then `unread`."""
    out: dict[str, FieldComparison] = {}
    rank = {DIFFERS: 2, MATCH: 1, UNREAD: 0}
    for reading in readings:
        for spec in reading.kind.fields:
            if spec.desk is None:
                continue
            one = compare_field(reading.fields[spec.key], desk_values.get(spec.desk, "") or "", spec.type,
                                reading.kind.key, _corroborated(reading, spec.desk))
            before = out.get(spec.desk)
            if before is None or rank[one.result] > rank[before.result] or (
                one.result == before.result and one.confidence > before.confidence
            ):
                out[spec.desk] = one
    return out


def _corroborated(reading: Reading, desk_key: str) -> bool:
    """Whether the ID number read from the same document (checksum passed) says the same as this field."""
    id_read = next((f for f in reading.fields.values() if f.desk == "id_number" and f.read), None)
    this = next((f for f in reading.fields.values() if f.desk == desk_key), None)
    if id_read is None or this is None or not this.read:
        return False
    if desk_key == "birth_date":
        born = idnumbers.birth_date(id_read.value)
        return born is not None and born.isoformat() == this.value
    if desk_key == "gender":
        return idnumbers.gender(id_read.value) == this.value
    return False
