"""网报填写卡: one page per teacher of the staff list, before online filing opens — what exactly to enter
(注册机构, 确认点, the school's full name, the hire-date convention, which certificate), with warnings for old
15-digit and 1996–2007 certificates. Layout: forms/print/card.json, drawn by the same renderer as the 申请表."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import RuleViolation
from confirm_desk.domain.text import chinese_date
from confirm_desk.services import settings
from confirm_desk.services.output_files import atomic_output
from confirm_desk.store.models import staff_table

OLD_SCHEME_YEARS = range(1996, 2008)  # Nanjing slides: corrections on these certificates need the issuer's note


@dataclass(frozen=True)
class CardsResult:
    cards: int
    pages: int


def certificate_warnings(cert_number: str) -> list[str]:
    number = "".join(ch for ch in cert_number or "" if ch.isalnum())
    if not number:
        return ["教职工名单中没有您的教师资格证书号码：请带证书原件到学校核对后再填写。"]
    warnings = []
    year = None
    if len(number) == 15 and number.isdigit():
        warnings.append("您的证书号码是 15 位旧号码：网上填写时在前面加“19”，共 17 位。")
        year = 1900 + int(number[:2])
    elif len(number) == 17 and number.isdigit():
        year = int(number[:4])
    if year in OLD_SCHEME_YEARS:
        warnings.append(f"您的证书颁发于 {year} 年：证书上的信息如与身份证不一致，须先由原认定机构在证书上注明更正。")
    return warnings


def authority_for(values: dict[str, Any], point: str) -> str:
    """The registration authority the point expects (preference point_authorities: 确认点=注册机构；…)."""
    for pair in str(values.get("point_authorities") or "").replace(";", "；").split("；"):
        name, _, authority = pair.partition("=")
        if name.strip() and name.strip() == point and authority.strip():
            return authority.strip()
    return "（请向学校询问所在县（区）教育局的全称）"


def card_contexts(session: Session, school: str = "", today: dt.date | None = None) -> list[dict[str, Any]]:
    values = settings.load(session)
    point = str(values.get("point_name") or "")
    stmt = select(staff_table).order_by(staff_table.c.school, staff_table.c.id)
    if school:
        stmt = stmt.where(staff_table.c.school == school)
    printed_on = chinese_date(today or dt.date.today())
    out = []
    for row in session.execute(stmt).mappings():
        ctx: dict[str, Any] = {key: str(row[key] or "") for key in row.keys()}
        ctx.update(point_name=point or "（请向学校询问）", authority=authority_for(values, point),
                   warnings="\n".join(certificate_warnings(ctx["cert_number"])), printed_on=printed_on)
        out.append(ctx)
    return out


def write_cards(session: Session, out: Path, school: str = "", today: dt.date | None = None) -> CardsResult:
    from reportlab.pdfgen.canvas import Canvas

    from confirm_desk.services.printing.fonts import register_font
    from confirm_desk.services.printing.layout import load_layout
    from confirm_desk.services.printing.render import PageRenderer

    contexts = card_contexts(session, school, today)
    if not contexts:
        raise RuleViolation("教职工名单为空" + (f"（学校“{school}”）" if school else "") + "：请先导入教职工名单")
    layout = load_layout("card")
    with atomic_output(Path(out)) as tmp:
        c = Canvas(str(tmp), pagesize=(layout.width, layout.height), initialFontName=register_font())
        c.setTitle(layout.title)
        c.setCreator("ConfirmDesk 确认台")
        renderer = PageRenderer(layout)
        for ctx in contexts:
            renderer.draw(c, ctx)
            c.showPage()
        c.save()
    return CardsResult(len(contexts), len(contexts))
