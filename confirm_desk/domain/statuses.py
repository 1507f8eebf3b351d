"""Confirmation statuses (glossary): enum values used in code and JSON, labels shown."""

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    INCOMPLETE = "incomplete"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def operable(self) -> bool:
        """CONF-1: drafts can never be operated on."""
        return self is not Status.DRAFT

    @property
    def decided(self) -> bool:
        return self in (Status.CONFIRMED, Status.REJECTED, Status.INCOMPLETE)


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "网报未完成",
    Status.PENDING: "网报待确认",
    Status.CONFIRMED: "确认已通过",
    Status.REJECTED: "确认未通过",
    Status.INCOMPLETE: "申请材料不全",
}

_BY_LABEL = {label: status for status, label in STATUS_LABELS.items()}
_BY_LABEL.update({"待确认": Status.PENDING, "已确认": Status.CONFIRMED, "未通过": Status.REJECTED})


def status_from_text(text: str) -> Status | None:
    """The status an export's 网报状态 cell names, or None when it names none we know."""
    text = (text or "").strip()
    if not text:
        return None
    if text in _BY_LABEL:
        return _BY_LABEL[text]
    try:
        return Status(text.lower())
    except ValueError:
        return None
