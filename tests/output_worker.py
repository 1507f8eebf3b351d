"""A process the output-file tests kill or starve: `python tests/output_worker.py MODE DB_URL OUT [LIMIT]`.

- `kill-pdf`: renders every applicant's receipt; when the PDF is being written it prints WRITING and waits
  on stdin (the test kills it then: it waits on this line, never on the clock).
- `kill-raw`: writes half a file through atomic_output, prints WRITING and waits.
- `fsize KINDS`: for each KIND (roster, stats, audit, coverage, pdf, backup, sheet, error_report) writes
  OUT/out-KIND.* once with a file-size limit of LIMIT bytes (a full disk) and once with room, printing
  "KIND starved FAILED …" / "KIND room WRITTEN".
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _wait_here(*_args) -> None:
    print("WRITING", flush=True)
    sys.stdin.readline()


def _write(kind: str, store, out: Path) -> None:
    from sqlalchemy import select

    from confirm_desk.services.printing.documents import render_pdf
    from confirm_desk.services.printing.layout import load_layout
    from confirm_desk.services.printing.print_data import load_print_data
    from confirm_desk.store.models import applicant_table

    with store.session() as session:
        if kind == "roster":
            from confirm_desk.services.reports.roster import write_roster
            write_roster(session, out)
        elif kind == "stats":
            from confirm_desk.services.reports.statistics import write_statistics
            write_statistics(session, out)
        elif kind == "audit":
            from confirm_desk.services.audit_trail import export_audit
            export_audit(session, out)
        elif kind == "coverage":
            from confirm_desk.services.coverage.report import coverage_report, write_coverage_xlsx
            write_coverage_xlsx(coverage_report(session), out)
        elif kind == "pdf":
            ids = list(session.scalars(select(applicant_table.c.id)))
            render_pdf(load_layout("receipt"), load_print_data(session, ids), out)
    if kind == "backup":
        from confirm_desk.services.backup import backup
        backup(store, out)
    elif kind == "sheet":
        from confirm_desk.services.photos.sheet import write_contact_sheet
        write_contact_sheet(store, out)
    elif kind == "error_report":
        from confirm_desk.services.importing.applicants import ImportResult, RowError
        from confirm_desk.services.importing.error_report import write_row_errors
        errors = [RowError("a.xlsx", n, "姓名", "x" * 50, "不能为空") for n in range(2000)]
        write_row_errors(ImportResult("a.xlsx", errors=errors), out)


def main() -> int:
    mode, url, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    from confirm_desk.store.db import open_store

    store = open_store(url)
    if mode == "kill-raw":
        from confirm_desk.services.output_files import atomic_output

        with atomic_output(out) as temp:
            temp.write_bytes(b"half a file" * 1000)
            _wait_here()
        return 0
    if mode == "kill-pdf":
        from sqlalchemy import select

        from confirm_desk.services.printing.documents import render_pdf
        from confirm_desk.services.printing.layout import load_layout
        from confirm_desk.services.printing.print_data import load_print_data
        from confirm_desk.store.models import applicant_table

        def progress(_done, _total, text=""):
            if "写入" in text:
                _wait_here()

        with store.session() as session:
            ids = list(session.scalars(select(applicant_table.c.id)))
            render_pdf(load_layout("receipt"), load_print_data(session, ids), out, progress=progress)
        return 0
    # fsize: OUT is a folder holding out-KIND files; each KIND is written once starved, once with room.
    limit = int(sys.argv[5])
    for kind in sys.argv[4].split(","):
        target = next(out.glob(f"out-{kind}.*"))
        before = target.read_bytes()
        for soft, word in ((limit, "starved"), (resource.RLIM_INFINITY, "room")):
            # Python ignores SIGXFSZ: a write past the soft limit fails with EFBIG, like a full disk.
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, resource.RLIM_INFINITY))
            try:
                _write(kind, store, target)
            except Exception as exc:  # the test reads what failed
                kept = "KEPT" if target.read_bytes() == before else "CHANGED"
                print(f"{kind} {word} FAILED {kept} {exc.__class__.__name__}", flush=True)
                continue
            print(f"{kind} {word} WRITTEN", flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())
