"""Scanning the originals: accuracy and speed on a generated corpus (bench/scan_docs.py).

`python -m bench.scanning [--count 200] [--start 0] [--json OUT]` renders `count` documents (certificates and ID
cards, every CJK font found, rotated ±8°, perspective, blur, uneven light, JPEG quality 40–90, about 30 % with
one field changed), reads each offline and compares it with its application. It reports:

- wrong 一致 marks: a field marked `match` although the paper shows something else (the goal is 0);
- fields read: `match` or `differs` (not `unread`) out of all compared fields (goal ≥ 90 %);
- changed fields caught (`differs`), false `differs` on unchanged fields;
- CPU and wall seconds per document (goal ≤ 2 s), with the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from bench.scan_docs import fonts, make_document


def run(count: int, start: int = 0, verbose: bool = False) -> dict:
    from confirm_desk.services.scanning import compare as cmp
    from confirm_desk.services.scanning import engine

    load_before = os.getloadavg()
    t = time.perf_counter()
    engine.read_lines(make_document(start + 10_000, "certificate", False).jpeg)  # load the models first
    load_seconds = time.perf_counter() - t
    totals: Counter[str] = Counter()
    per_key: dict[str, Counter[str]] = {}
    cpu, wall = [], []
    wrong = []
    fonts_used: Counter[str] = Counter()
    for seed in range(start, start + count):
        doc = make_document(seed)
        fonts_used[doc.font] += 1
        c0, w0 = time.process_time(), time.perf_counter()
        reading = cmp.read_document(doc.jpeg)
        results = cmp.compare([reading], doc.desk)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        totals["documents"] += 1
        totals["kind_right"] += reading.kind.key == doc.kind
        for key, c in results.items():
            same = doc.printed[key] == doc.desk[key]
            counts = per_key.setdefault(f"{doc.kind}.{key}", Counter())
            counts[c.result] += 1
            totals["fields"] += 1
            totals[c.result] += 1
            if not same:
                totals["changed"] += 1
                totals["changed_caught"] += c.result == cmp.DIFFERS
                totals["changed_unread"] += c.result == cmp.UNREAD
            if c.result == cmp.MATCH and not same:
                wrong.append({"seed": seed, "field": key, "paper": doc.printed[key], "desk": doc.desk[key],
                              "read": c.scanned, "confidence": c.confidence})
            if c.result == cmp.DIFFERS and same:
                totals["false_differs"] += 1
            if verbose and (c.result == cmp.UNREAD or (c.result == cmp.DIFFERS and same)):
                print(f"  seed {seed} {doc.kind} {doc.font} {key}: {c.result} read {c.scanned!r} "
                      f"({c.confidence:.2f}) paper {doc.printed[key]!r}", file=sys.stderr)
    fields = totals["fields"]
    return {
        "documents": totals["documents"],
        "kind_recognised": totals["kind_right"],
        "fields": fields,
        "wrong_matches": len(wrong),
        "wrong_match_details": wrong,
        "read_percent": round(100 * (totals["match"] + totals["differs"]) / fields, 2),
        "match": totals["match"], "differs": totals["differs"], "unread": totals["unread"],
        "changed_fields": totals["changed"], "changed_caught": totals["changed_caught"],
        "changed_unread": totals["changed_unread"], "false_differs": totals["false_differs"],
        "cpu_s_per_doc_median": round(statistics.median(cpu), 3),
        "cpu_s_per_doc_mean": round(statistics.fmean(cpu), 3),
        "wall_s_per_doc_median": round(statistics.median(wall), 3),
        "wall_s_per_doc_p90": round(sorted(wall)[int(0.9 * (len(wall) - 1))], 3),
        "model_load_s": round(load_seconds, 2),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "fonts": dict(fonts_used),
        "per_field": {k: dict(v) for k, v in sorted(per_key.items())},
    }


def bench_rows(quick: bool) -> list[dict]:
    """For `python -m bench`: a small corpus in --quick, 200 documents otherwise."""
    from bench.__main__ import row

    result = run(12 if quick else 200)
    note = (f"{result['documents']} docs, read {result['read_percent']}%, wrong 一致 {result['wrong_matches']}, "
            f"load {result['load_average_after'][0]}")
    return [row("scan + compare one document (CPU s)", result["cpu_s_per_doc_median"], 0, None, "s", 2.0,
                note=note)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--start", type=int, default=0, help="first seed (a different corpus per start)")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every unread / false differs")
    args = parser.parse_args(argv)
    print(f"fonts: {', '.join(p.name for p in fonts())}", file=sys.stderr)
    result = run(args.count, args.start, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = {k: v for k, v in result.items() if k not in ("per_field", "wrong_match_details")}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    for item in result["wrong_match_details"]:
        print("WRONG MATCH", item)
    return 1 if result["wrong_matches"] else 0


if __name__ == "__main__":
    sys.exit(main())
