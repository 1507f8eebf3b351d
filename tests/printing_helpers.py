"""Helpers for the printing tests: decided applicants with normalised photos, PDFs read back with poppler."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import select, update

from confirm_desk.services import audit
from confirm_desk.store.models import Photo, applicant_table

t = applicant_table
OPERATOR = "王确认"


def normalized_jpeg(original: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(original))
    image.draft("RGB", (228, 312))
    image = image.convert("RGB").resize((114, 156))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def decide_all(store, status: str = "confirmed", photos: bool = True) -> list[int]:
    """Every non-draft applicant gets a decision (audit event, as issue 3 will write) and a 114x156 photo."""
    with store.session() as session:
        ids = list(session.scalars(select(t.c.id).where(t.c.status != "draft").order_by(t.c.application_no)))
        session.execute(update(t).where(t.c.id.in_(ids)).values(status=status))
        for photo in session.scalars(select(Photo)) if photos else ():
            photo.normalized = normalized_jpeg(photo.original)
        for applicant_id in ids:
            audit.record(session, f"decision_{status}", OPERATOR, applicant_id=applicant_id)
    return ids


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
