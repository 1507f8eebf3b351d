"""Renders docs/screenshots/{application-form,receipt,receipt-incomplete}.png from demo applicants.

Run from the repository root: python scripts/print_screenshots.py (needs pdftoppm from poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def normalised(original: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(original))
    image.draft("RGB", (228, 312))
    buf = io.BytesIO()
    image.convert("RGB").resize((114, 156)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def main() -> None:
    from confirm_desk.domain.decisions import ConditionMark
    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.applicants.demo import draw_photo, generate
    from confirm_desk.services.printing import PrintData, render_pdf
    from confirm_desk.services.printing.layout import load_layout
    from confirm_desk.services.printing.print_data import PrintedDecision

    values = generate(3)[0]
    decided_at = dt.datetime(2026, 9, 24, 10, 32)
    marks = [ConditionMark(True)] * 7
    marks[4] = ConditionMark(False, "本周期培训学时 340，尚缺 20 学时")
    data = PrintData(
        applicant_id=1, values=values, status=Status.CONFIRMED,
        decision=PrintedDecision(operator="王晓燕", decided_at=decided_at, conditions=tuple(marks)),
        photo=normalised(draw_photo(0)), confirmation_point=values["confirmation_point"],
    )
    incomplete = replace(data, status=Status.INCOMPLETE, decision=replace(
        data.decision, missing=("聘用合同（原件或加盖公章的复印件）", "培训学时证明", "年度考核证明")))
    out_dir = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("CONFIRM_DESK_HOME", tmp)
        pictures = (("application_form", data, "application-form"), ("receipt", data, "receipt"),
                    ("receipt", incomplete, "receipt-incomplete"))
        for layout, record, name in pictures:
            pdf = Path(tmp) / f"{name}.pdf"
            render_pdf(load_layout(layout), [record], pdf, now=decided_at)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(out_dir / name)],
                           check=True)
            print(out_dir / f"{name}.png")


if __name__ == "__main__":
    main()
