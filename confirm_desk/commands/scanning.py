"""CLI: `scan read IMAGE` and `scan compare NO IMAGE ...` (offline OCR of a certificate or ID card)."""

from __future__ import annotations

import argparse
from pathlib import Path

from confirm_desk.commands.common import (
    add_format,
    add_operator,
    open_command,
    print_table,
    store_from,
    subcommand_group,
)

KIND_CHOICES = ("certificate", "id_card")


def register(sub: argparse._SubParsersAction) -> None:
    scan = subcommand_group(sub, "scan", "扫描证件原件：读出教师资格证书、居民身份证并与申请信息比对")
    p = scan.add_parser("read", help="读出一张证件图像的各栏目")
    p.add_argument("image", type=Path, help="图像文件（JPEG/PNG/BMP）")
    p.add_argument("--kind", choices=KIND_CHOICES, help="证件类型（默认按文字自动识别）")
    add_format(p)
    open_command(p)  # an image named on the command line, nothing from the store
    p.set_defaults(handler=cmd_read)

    q = scan.add_parser("compare", help="把证件图像与申请人的信息逐项比对：一致 / 不一致 / 未读出")
    q.add_argument("number", help="报名号或证件号码")
    q.add_argument("images", type=Path, nargs="+", metavar="IMAGE", help="证件图像（可多张）")
    q.add_argument("--kind", choices=KIND_CHOICES, help="证件类型（默认按文字自动识别；多张时对每张适用）")
    q.add_argument("--attach", action="store_true",
                   help="保存图像作为核验留证，并把比对结果记为比对标记")
    add_operator(q)  # compares with the applicant's data: always a logged-in operator
    add_format(q)
    q.set_defaults(handler=cmd_compare)

    e = scan.add_parser("evidence", help="把申请人保存的证件图像打印为核验留证 PDF（供复核）")
    e.add_argument("number", help="报名号或证件号码")
    e.add_argument("-o", "--output", type=Path, required=True, help="输出 PDF 文件")
    add_operator(e)
    e.set_defaults(handler=cmd_evidence)


def cmd_read(args: argparse.Namespace) -> int:
    from confirm_desk.commands.common import emit_json
    from confirm_desk.services.scanning.compare import read_document

    reading = read_document(args.image, args.kind)
    if args.format == "json":
        emit_json(reading.as_json())
        return 0
    print(f"{args.image}：{reading.kind.label}")
    print_table(["栏目", "读出", "置信度", "说明"],
                [[f.label, f.value or "—", f"{f.confidence:.2f}", f.problem] for f in reading.fields.values()])
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from confirm_desk.commands.common import emit_json
    from confirm_desk.services.applicants.listing import get_detail, resolve
    from confirm_desk.services.scanning.compare import compare, read_document

    store = store_from(args)
    account = args.account if args.attach else None
    with store.session() as session:
        applicant_id = resolve(session, args.number)
        values = get_detail(session, applicant_id).values
    readings = [read_document(image, args.kind) for image in args.images]
    results = compare(readings, values)
    attached = None
    if account is not None:
        from confirm_desk.services.scanning.images import attach_scans

        with store.session() as session:
            attached = attach_scans(session, applicant_id, list(zip(args.images, readings, strict=True)),
                                    results, account.username)
    if args.format == "json":
        data = {
            "application_no": values["application_no"],
            "kinds": [r.kind.key for r in readings],
            "fields": {key: {"desk": c.desk, "scanned": c.scanned, "result": c.result,
                             "confidence": c.confidence} for key, c in results.items()},
        }
        if attached is not None:
            data["attached"] = {"images": attached.image_ids, "marked": attached.marked, "kept": attached.kept}
        emit_json(data)
    else:
        print(f"{values['application_no']} {values['name']}：{'、'.join(r.kind.label for r in readings)}")
        print_table(["栏目", "申请信息", "原件读出", "置信度", "结果"],
                    [[c.label, c.desk or "—", c.scanned or "—", f"{c.confidence:.2f}", c.result_label]
                     for c in results.values()])
        if attached is not None:
            print(attached.summary_zh())
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.scanning.evidence_pdf import write_evidence_pdf

    store = store_from(args)
    with store.session() as session:
        out = write_evidence_pdf(session, resolve(session, args.number), args.output, args.account.username)
    print(f"已生成核验留证：{out}")
    return 0
