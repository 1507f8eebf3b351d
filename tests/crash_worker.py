"""The process that the crash test kills: imports three files round and round into one store."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROWS = 2500
PHOTOS = 300
PHONE_C = "13900000000"  # file C is file A with this phone number for everyone


@dataclass(frozen=True)
class CrashFiles:
    a: Path  # ROWS new applicants (xlsx) + a zip of PHOTOS photos
    photos: Path
    b: Path  # ROWS other applicants (csv)
    c: Path  # file A with every phone changed: ROWS updates and ROWS audit events
    a_numbers: frozenset[str]
    b_numbers: frozenset[str]


def make_files(folder: Path) -> CrashFiles:
    from openpyxl import Workbook

    from confirm_desk.domain.fields import FIELDS
    from confirm_desk.services.applicants.demo import draw_photo, generate

    unique: dict[str, dict[str, str]] = {}
    for row in generate(2 * ROWS + 100, seed=11):  # the generator may give two people one ID number
        unique.setdefault(row["id_number"], row)
    rows = list(unique.values())[: 2 * ROWS]  # photos match by ID number: it must name one applicant
    a_rows, b_rows = rows[:ROWS], rows[ROWS:]
    headers = [f.label for f in FIELDS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("申请人")
    sheet.append(headers)
    for r in a_rows:
        sheet.append([r[f.key] for f in FIELDS])
    book.save(folder / "a.xlsx")
    for name, chosen in (("b.csv", b_rows), ("c.csv", [{**r, "phone": PHONE_C} for r in a_rows])):
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows([r[f.key] for f in FIELDS] for r in chosen)
    with zipfile.ZipFile(folder / "photos.zip", "w") as archive:
        for i, r in enumerate(a_rows[:PHOTOS]):
            archive.writestr(f"{r['id_number']}.jpg", draw_photo(i, (120, 164)))
    return CrashFiles(folder / "a.xlsx", folder / "photos.zip", folder / "b.csv", folder / "c.csv",
                      frozenset(r["application_no"] for r in a_rows),
                      frozenset(r["application_no"] for r in b_rows))


def run(db_url: str, files: CrashFiles, start: int, events, saving, commits) -> None:
    """Import A (+photos), B, C, A, B, C… until killed, telling the test where it is (shared integers):
    `events` counts every progress report and every commit, `saving` holds the event number at which the
    write transaction began (0 outside it), `commits` counts the imports committed. The test kills on
    these signals, never on the clock, so a busy machine only makes it slower."""
    from confirm_desk.services.importing.applicants import import_applicants
    from confirm_desk.store.db import open_store

    store = open_store(db_url, upgrade=False)

    def progress(_done: int, _total: int, text: str) -> None:
        events.value += 1
        if text.startswith("正在保存"):
            saving.value = events.value

    jobs = [(files.a, files.photos), (files.b, None), (files.c, None)]
    step = start
    while True:
        table, photos = jobs[step % 3]
        saving.value = 0
        import_applicants(store, table, photos, progress=progress, operator="crash")
        saving.value = 0
        commits.value += 1
        events.value += 1
        step += 1


def run_decisions(db_url: str, done_file: str) -> None:
    """Reject pending applicants one by one (one transaction each), noting each one after its commit."""
    from sqlalchemy import select

    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.confirming.confirmation import (
        CheckInput,
        load_check,
        material_labels,
        save_check,
    )
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import Applicant

    store = open_store(db_url, upgrade=False)
    data = CheckInput(materials={material_labels()[0]: True}, outcome=Status.REJECTED, reason="原件不符")
    with open(done_file, "a", encoding="utf-8") as done:
        while True:
            with store.session() as session:
                pending = session.scalars(
                    select(Applicant.id).where(Applicant.status == Status.PENDING.value).limit(1)
                ).first()
                if pending is None:
                    return
                state = load_check(session, pending)
                save_check(session, pending, data, "crash", state.version)
            done.write(f"{pending}\n")
            done.flush()  # a SIGKILL keeps what reached the kernel: the list of committed decisions


def run_exports(db_url: str, folder: str, events, exported) -> None:
    """Decide one more applicant, export the next batch, again and again until killed. `events` counts
    every step it reports (decision committed, each export progress report, export done); `exported`
    counts the batches it saw returned. The test kills on these, never on the clock."""
    import os
    from pathlib import Path

    from sqlalchemy import select

    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.batches.export import export_batch
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import Applicant

    store = open_store(db_url, upgrade=False)

    def progress(_done: int, _total: int, _text: str) -> None:
        events.value += 1

    n = 0
    while True:
        with store.session() as session:
            pending = session.scalars(select(Applicant.id).where(Applicant.status == Status.PENDING.value)
                                      .order_by(Applicant.id).limit(1)).first()
            if pending is None:
                return
            state = load_check(session, pending)
            save_check(session, pending, CheckInput(outcome=Status.REJECTED, reason="原件不符"), "crash",
                       state.version)
        events.value += 1
        export_batch(store, Path(folder) / f"batch-{os.getpid()}-{n}.zip", "crash", progress=progress)
        exported.value += 1
        events.value += 1
        n += 1
