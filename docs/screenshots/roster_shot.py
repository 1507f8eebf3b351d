"""Makes docs/screenshots/roster.png: the sample imported, a few applicants decided, the 花名册 written,
rendered by LibreOffice (`libreoffice --headless --convert-to pdf`) and rasterised with `pdftoppm -r 60`.
Run: `python docs/screenshots/roster_shot.py` (needs libreoffice-calc and poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "domain" / "samples"
SCHOOL = "舟山市定海区第一小学"


def main() -> None:
    from sqlalchemy import select

    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.importing.applicants import import_applicants
    from confirm_desk.services.reports.roster import write_roster
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import applicant_table as t
    from tests.test_batch_export import decide

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = open_store(f"sqlite:///{work / 'store.sqlite3'}")
        import_applicants(store, SAMPLES / "applicants_export.xlsx")
        with store.session() as session:
            numbers = list(session.scalars(select(t.c.application_no).where(t.c.school == SCHOOL,
                                                                           t.c.status == "pending")))
        outcomes = [Status.CONFIRMED, Status.CONFIRMED, Status.INCOMPLETE, Status.CONFIRMED]
        for number, outcome in zip(numbers, outcomes, strict=False):
            decide(store, number, outcome)
        with store.session() as session:
            write_roster(session, work / "roster.xlsx", school=SCHOOL)
        subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(work),
                        str(work / "roster.xlsx")], check=True, capture_output=True, timeout=300)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(work / "roster.pdf"), str(work / "roster")], check=True)
        shutil.copy(work / "roster.png", ROOT / "docs" / "screenshots" / "roster.png")
        store.dispose()


if __name__ == "__main__":
    main()
