"""Helpers for the printing tests: decided applicants with normalised photos, PDFs read back with poppler."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import select

from confirm_desk.store.models import Operator, Photo, applicant_table

t = applicant_table
OPERATOR = "王确认"
MISSING = ["聘用合同（原件或加盖公章的复印件）", "培训学时证明"]


def normalized_jpeg(original: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(original))
    image.draft("RGB", (228, 312))
    image = image.convert("RGB").resize((114, 156))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def decide_all(store, status: str = "confirmed", photos: bool = True) -> list[int]:
    """Every non-draft applicant decided through the confirmation service, with a 114x156 photo.

    The operator account "wangqr" has the display name OPERATOR, which the papers show.
    """
    from confirm_desk.domain.decisions import ConditionMark
    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.confirming.confirmation import CheckInput, save_check

    outcome = Status(status)
    conditions = [ConditionMark(True)] * 7
    conditions[4] = ConditionMark(False, "培训学时缺12学时")
    with store.session() as session:
        session.add(Operator(username="wangqr", display_name=OPERATOR, password_hash="x"))
        for photo in session.scalars(select(Photo)) if photos else ():
            photo.normalized = normalized_jpeg(photo.original)
        rows = session.execute(select(t.c.id, t.c.version).where(t.c.status != "draft")
                               .order_by(t.c.application_no)).all()
        for row in rows:
            save_check(session, row.id, CheckInput(
                conditions=conditions, outcome=outcome,
                reason="证书与任教学段不符" if outcome is Status.REJECTED else "",
                missing=MISSING if outcome is Status.INCOMPLETE else [],
                override_reason="测试：条件第 5 项不具备仍确认" if outcome is Status.CONFIRMED else ""),
                "wangqr", row.version)
    return [row.id for row in rows]


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdffonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name type... encoding emb sub uni objnum gen: read the flags from the right
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


def decode_barcodes(pdf: Path, page: int, tmp: Path) -> list[str]:
    if shutil.which("zbarimg") is None:
        import pytest

        pytest.skip("zbarimg (Debian zbar-tools) is not installed")
    stem = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    out = subprocess.run(["zbarimg", "-q", f"{stem}.png"], capture_output=True, text=True).stdout
    return out.split()


def word_boxes(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) in points from the top-left, via pdftotext -bbox."""
    html = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    number = r'"([\d.]+)"'
    pattern = re.compile(f"<word xMin={number} yMin={number} xMax={number} yMax={number}>([^<]*)</word>")
    return [(m[4], float(m[0]), float(m[1]), float(m[2]), float(m[3])) for m in pattern.findall(html)]
