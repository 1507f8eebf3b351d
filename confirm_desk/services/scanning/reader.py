"""From OCR lines to a document's labelled fields: find each label, take the text after it on the same line
or the nearest text to its right on the same row (rows found on the levelled boxes), read it as its type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from confirm_desk.domain import idnumbers
from confirm_desk.domain.certificates import layout_problem
from confirm_desk.domain.text import to_halfwidth
from confirm_desk.services.scanning.engine import Line
from confirm_desk.services.scanning.kinds import DocumentKind, FieldSpec

_TRIM = " :：;；,，.。、·_-|"
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[年.\-/](\d{1,2})[月.\-/](\d{1,2})(?!\d)")
_ID = re.compile(r"(?<![0-9X])[0-9X]{17}[0-9X](?![0-9X])")
_CERT = re.compile(r"(?<!\d)\d{17}(?!\d)")


@dataclass(frozen=True)
class FieldReading:
    """One field as read: `value` in the desk's form (dates ISO, IDs upper-case), `text` as the OCR gave it,
    `valid` when the value has its type's shape (an ID number passes its checksum, a certificate number its
    layout), `problem` saying why not."""

    key: str
    label: str
    desk: str | None
    value: str
    text: str
    confidence: float
    valid: bool
    problem: str = ""

    @property
    def read(self) -> bool:
        return bool(self.value) and self.valid


def _squash(text: str) -> str:
    return "".join(to_halfwidth(text).split())


@dataclass
class _Found:
    spec: FieldSpec
    line: int
    start: int
    end: int


def read_fields(kind: DocumentKind, lines: list[Line]) -> dict[str, FieldReading]:
    texts = [_squash(line.text) for line in lines]
    # Every label occurrence per line, longest label first so 身份证件号码 wins over 身份证号.
    labels = sorted(((label, spec) for spec in kind.fields for label in spec.labels), key=lambda x: -len(x[0]))
    found: dict[str, _Found] = {}
    starts: dict[int, list[int]] = {}
    for index, text in enumerate(texts):
        taken: list[tuple[int, int]] = []
        for label, spec in labels:
            pos = text.find(label)
            if pos < 0 or any(pos < e and pos + len(label) > s for s, e in taken):
                continue
            taken.append((pos, pos + len(label)))
            starts.setdefault(index, []).append(pos)
            if spec.key not in found:
                found[spec.key] = _Found(spec, index, pos, pos + len(label))
    out = {}
    for spec in kind.fields:
        hit = found.get(spec.key)
        text, confidence = ("", 0.0) if hit is None else _value_text(hit, lines, texts, starts)
        if not text and spec.type in ("id_number", "cert_number"):
            text, confidence = _anywhere(spec.type, lines, texts)
        out[spec.key] = _typed(spec, text, confidence)
    return out


def _value_text(hit: _Found, lines: list[Line], texts: list[str], starts: dict[int, list[int]]) -> tuple[str, float]:
    text = texts[hit.line]
    after = [s for s in starts.get(hit.line, []) if s >= hit.end]
    rest = text[hit.end:min(after, default=len(text))].strip(_TRIM)
    label_line = lines[hit.line]
    if rest:
        value_line, value_text = label_line, rest
    else:
        # The texts to the right on the same row, left to right, up to the next label: a date printed
        # as separate boxes (1982 年 5 月 4 日) is joined again.
        parts: list[str] = []
        lowest: Line | None = None  # the least confident part
        previous: int | None = None
        for neighbour in _right_of(hit.line, lines):
            found_at = starts.get(neighbour, [])
            cut = min(found_at, default=len(texts[neighbour]))
            if cut > 0:
                part = texts[neighbour][:cut].strip(_TRIM)
                if parts and previous is not None:
                    part = _drop_repeat(parts[-1], part, lines[previous], lines[neighbour])
                parts.append(part)
                previous = neighbour
                if lowest is None or lines[neighbour].confidence < lowest.confidence:
                    lowest = lines[neighbour]
            if found_at:
                break
        value_text = "".join(parts)
        if lowest is None or not value_text:
            return "", 0.0
        value_line = lowest
    confidence = value_line.confidence
    if hit.spec.multiline and value_text:
        value_text, confidence = _continue_below(value_line, value_text, confidence, lines, texts, starts)
    return value_text, confidence


def _drop_repeat(before: str, part: str, left: Line, right: Line) -> str:
    """Two detected boxes that overlap read the shared characters twice (1982 + 2年3月6日): drop the repeat."""
    overlap = left.box[2] - right.box[0]
    if overlap <= 0.25 * right.height:
        return part
    for count in range(min(round(overlap / (0.5 * right.height)), len(part), len(before)), 0, -1):
        if before.endswith(part[:count]):
            return part[count:]
    return part


def _right_of(index: int, lines: list[Line]) -> list[int]:
    label = lines[index]
    row = []
    for other, line in enumerate(lines):
        if other == index:
            continue
        tall = max(label.height, line.height)
        if abs(line.middle - label.middle) <= 0.55 * tall and line.box[0] >= label.box[2] - 0.5 * label.height:
            row.append(other)
    return sorted(row, key=lambda i: lines[i].box[0])


def _continue_below(first: Line, text: str, confidence: float, lines: list[Line], texts: list[str],
                    starts: dict[int, list[int]]) -> tuple[str, float]:
    previous = first
    for index, line in enumerate(lines):
        if line.middle <= previous.middle + 0.5 * previous.height:
            continue
        if line.middle - previous.middle > 1.9 * previous.height:
            break
        if abs(line.box[0] - first.box[0]) > 1.5 * first.height or index in starts:
            continue
        text += texts[index].strip(_TRIM)
        confidence = min(confidence, line.confidence)
        previous = line
    return text, confidence


def _anywhere(kind: str, lines: list[Line], texts: list[str]) -> tuple[str, float]:
    """An ID or certificate number whose label was not read: the one token of that shape on the page."""
    pattern = _ID if kind == "id_number" else _CERT
    hits = [(m.group(0), lines[i].confidence) for i, t in enumerate(texts) for m in pattern.finditer(t.upper())]
    if kind == "id_number":
        hits = [h for h in hits if idnumbers.has_valid_checksum(h[0])]
    return hits[0] if len(hits) == 1 else ("", 0.0)


def _typed(spec: FieldSpec, text: str, confidence: float) -> FieldReading:
    def result(value: str, valid: bool, problem: str = "") -> FieldReading:
        return FieldReading(spec.key, spec.label, spec.desk, value, text, round(confidence, 4), valid, problem)

    if not text:
        return result("", False, "未找到")
    if spec.type == "gender":
        genders = [c for c in text if c in "男女"]
        return result(genders[0], True) if len(genders) == 1 else result(text, False, "不是“男”或“女”")
    if spec.type == "ethnicity":
        value = text.removesuffix("族")
        ok = bool(value) and all("\u4e00" <= c <= "\u9fff" for c in value)
        return result(value + "族" if ok else text, ok, "" if ok else "不是民族名称")
    if spec.type == "date":
        m = _DATE.search(text)
        if m is None:
            return result(text, False, "不是日期")
        from confirm_desk.domain.text import parse_date

        day = parse_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
        return result(day.isoformat(), True) if day else result(text, False, "不是有效日期")
    if spec.type == "id_number":
        token = text.upper().replace("×", "X")
        m = _ID.search(token)
        if m is None:
            return result(token, False, "不是18位身份号码")
        value = m.group(0)
        ok = idnumbers.has_valid_checksum(value)
        return result(value, ok, "" if ok else "校验码不符（可能读错）")
    if spec.type == "cert_number":
        m = _CERT.search(text)
        if m is None:
            return result(text, False, "不是17位证书号码")
        problem = layout_problem(m.group(0))
        return result(m.group(0), not problem, problem)
    value = text.strip(_TRIM)
    ok = bool(value) and any("\u4e00" <= c <= "\u9fff" for c in value)
    return result(value, ok, "" if ok else "未读出文字")

