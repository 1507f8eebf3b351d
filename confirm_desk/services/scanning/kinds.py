"""Document kinds as data (resources/scanning/kinds.json): how each labelled field is found and which
registry key it feeds, and how a kind is recognised from the text read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.paths import resources_dir

VALUE_TYPES = ("text", "gender", "ethnicity", "cert_type", "date", "id_number", "cert_number")


@dataclass(frozen=True)
class FieldSpec:
    key: str
    labels: tuple[str, ...]
    desk: str | None  # the registry key compared with, None = read and shown only
    type: str = "text"
    multiline: bool = False

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    markers: tuple[str, ...]
    min_hits: int
    fields: tuple[FieldSpec, ...]

    def hits(self, text: str) -> int:
        return sum(1 for marker in self.markers if marker in text)

    @property
    def all_labels(self) -> tuple[str, ...]:
        return tuple(label for spec in self.fields for label in spec.labels)


@cache
def document_kinds() -> dict[str, DocumentKind]:
    path = resources_dir() / "scanning" / "kinds.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnownError(f"证件类型定义文件无法读取：{path}（{exc}）") from exc
    kinds = {}
    for item in data["kinds"]:
        fields = []
        for f in item["fields"]:
            spec = FieldSpec(f["key"], tuple(f["labels"]), f.get("desk"), f.get("type", "text"),
                             bool(f.get("multiline", False)))
            if spec.type not in VALUE_TYPES or (spec.desk is not None and spec.desk not in FIELDS_BY_KEY):
                raise KnownError(f"证件类型定义有误：{item['key']}.{spec.key}（类型或登记字段不存在）")
            fields.append(spec)
        kinds[item["key"]] = DocumentKind(item["key"], item["label"], tuple(item["markers"]),
                                          int(item.get("min_hits", 2)), tuple(fields))
    return kinds


def kind_named(key: str) -> DocumentKind:
    kinds = document_kinds()
    if key not in kinds:
        raise KnownError(f"未知的证件类型：{key}（可选：{'、'.join(kinds)}）")
    return kinds[key]


def recognise(text: str) -> DocumentKind | None:
    """The kind whose markers occur most often in the text, if it reaches its minimum."""
    compact = "".join(text.split())
    best = max(document_kinds().values(), key=lambda kind: kind.hits(compact))
    return best if best.hits(compact) >= best.min_hits else None
