"""The campaign calendar (CAL-1) and this desk's scope settings, as pure rules.

Source: the national 注册计划 sets 网报起止 and 确认起止 (confirmation-user manual 3.1); the Qianjiang notice
三(二)(三): "逾期未进行现场确认…视为自动放弃". Decisions are taken inside the 确认 window; outside it only an
administrator may decide, with a reason. A 补正 deadline never falls after the window.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[;；\n,，、]+")


@dataclass(frozen=True)
class Calendar:
    """网报 and 确认 windows; a missing date leaves that side open."""

    online_start: dt.date | None = None
    online_end: dt.date | None = None
    confirm_start: dt.date | None = None
    confirm_end: dt.date | None = None

    @property
    def is_set(self) -> bool:
        return self.confirm_start is not None or self.confirm_end is not None

    def in_confirm_window(self, day: dt.date) -> bool:
        if self.confirm_start is not None and day < self.confirm_start:
            return False
        return not (self.confirm_end is not None and day > self.confirm_end)

    def window_text(self) -> str:
        start = self.confirm_start.isoformat() if self.confirm_start else "不限"
        end = self.confirm_end.isoformat() if self.confirm_end else "不限"
        return f"{start} 至 {end}"

    def outside_message(self, day: dt.date) -> str:
        """Why a decision on `day` needs an administrator's override ('' inside the window)."""
        if self.in_confirm_window(day):
            return ""
        when = "尚未开始" if self.confirm_start is not None and day < self.confirm_start else "已经结束"
        return (f"今天（{day.isoformat()}）不在现场确认时间内（{self.window_text()}），确认{when}："
                "须由管理员填写原因后才能作出确认结论")

    def clip_deadline(self, deadline: dt.date) -> dt.date:
        """A 补正 deadline never falls after the 确认 window's end (CAL-1)."""
        if self.confirm_end is not None and deadline > self.confirm_end:
            return self.confirm_end
        return deadline

    def window_closed(self, day: dt.date) -> bool:
        """The 确认 window has ended: applicants still 网报待确认 are treated as having given up."""
        return self.confirm_end is not None and day > self.confirm_end

    def problems(self) -> list[str]:
        """Dates in the wrong order, in words (the preferences dialog refuses them)."""
        out = []
        if self.online_start and self.online_end and self.online_end < self.online_start:
            out.append("网报结束日期早于网报开始日期")
        if self.confirm_start and self.confirm_end and self.confirm_end < self.confirm_start:
            out.append("现场确认结束日期早于现场确认开始日期")
        if self.online_start and self.confirm_start and self.confirm_start < self.online_start:
            out.append("现场确认开始日期早于网报开始日期")
        if self.online_end and self.confirm_end and self.confirm_end < self.online_end:
            out.append("现场确认结束日期早于网报结束日期")
        return out


def parse_point_list(text: str) -> tuple[str, ...]:
    """'A确认点；B确认点' (any of ; ； , ， 、 or new lines) -> the names, in order, without repeats."""
    names = [n.strip() for n in _SEPARATORS.split(text or "")]
    return tuple(dict.fromkeys(n for n in names if n))


def parse_point_authorities(text: str) -> dict[str, str]:
    """'A确认点=某某区教育局；B确认点=…' -> {point: authority}. Entries without '=' are ignored."""
    out: dict[str, str] = {}
    for entry in re.split(r"[;；\n]+", text or ""):
        point, sep, authority = entry.replace("\uff1d", "=").partition("=")
        if sep and point.strip() and authority.strip():
            out[point.strip()] = authority.strip()
    return out


def format_point_authorities(mapping: dict[str, str]) -> str:
    return "；".join(f"{p}={a}" for p, a in mapping.items())
