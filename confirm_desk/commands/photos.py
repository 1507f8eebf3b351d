"""CLI: photo normalize IN OUT, photo import DIR_OR_ZIP, photo normalize-all."""

from __future__ import annotations

import argparse
from pathlib import Path

from confirm_desk.commands.common import add_format, store_from


def register(sub: argparse._SubParsersAction) -> None:
    photo = sub.add_parser("photo", help="照片：规范为 114×156、导入照片")
    family = photo.add_subparsers(dest="photo_command", metavar="操作", parser_class=type(photo))

    p = family.add_parser("normalize", help="把一张照片规范为 114×156 的 JPEG")
    p.add_argument("input", type=Path, metavar="IN")
    p.add_argument("output", type=Path, metavar="OUT")
    p.add_argument("--box", default="", help="裁剪框 x,y,宽,高（转正后的像素；默认：居中偏上）")
    p.add_argument("--rotate", type=int, default=0, choices=(0, 90, 180, 270), help="再顺时针旋转的角度")
    p.add_argument("--max-kb", type=int, default=60, help="JPEG 大小上限（KB，默认 60）")
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_normalize)

    p = family.add_parser("import", help="导入照片文件夹或 .zip（文件名为证件号码或报名号）")
    p.add_argument("source", type=Path, metavar="DIR_OR_ZIP")
    p.add_argument("--user", default="", help="操作员")
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_import)

    p = family.add_parser("normalize-all", help="把库中尚未规范的照片全部规范为 114×156")
    p.add_argument("--redo", action="store_true", help="已规范的也重新生成（保留原裁剪框）")
    p.add_argument("--user", default="", help="操作员")
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_normalize_all)


def cmd_normalize(args: argparse.Namespace) -> int:
    from confirm_desk.domain.errors import PhotoRefused
    from confirm_desk.services.photos import normalize_file

    if args.max_kb <= 0:
        raise PhotoRefused("--max-kb 必须大于 0")
    result = normalize_file(args.input, args.output, args.box or None, args.rotate, args.max_kb * 1024)
    if args.format == "json":
        from confirm_desk.cli import emit_json

        emit_json({"output": str(args.output), "bytes": len(result.data), "quality": result.quality,
                   "crop_box": result.frame.as_text(), "rotation": result.rotation,
                   "upright_size": list(result.upright_size), "warning": result.warning})
    else:
        print(f"已生成 {args.output}：114×156，{len(result.data) / 1024:.1f} KB，质量 {result.quality}，"
              f"裁剪框 {result.frame.as_text()}")
        if result.warning:
            print(f"  注意：{result.warning}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from confirm_desk.services.photo_intake import import_photos

    result = import_photos(store_from(args), args.source, operator=args.user)
    if args.format == "json":
        from confirm_desk.commands.common import emit_json_result

        emit_json_result(result)
    else:
        print(f"已关联照片 {result.attached} 张，未变 {result.unchanged} 张，"
              f"无法匹配 {len(result.unmatched)} 张，出错 {len(result.errors)} 张")
        for name in result.unmatched:
            print(f"  {name}：找不到证件号码或报名号相同的申请人")
        for e in result.errors:
            print(f"  {e.file}：{e.message}")
        for w in result.warnings:
            print(f"  注意 {w.file}：{w.message}")
    return 1 if result.errors or result.unmatched else 0


def cmd_normalize_all(args: argparse.Namespace) -> int:
    from confirm_desk.services.photos import normalize_all

    result = normalize_all(store_from(args), None, operator=args.user, redo=args.redo)
    if args.format == "json":
        from confirm_desk.commands.common import emit_json_result

        emit_json_result(result)
    else:
        print(result.summary_zh())
        for f in result.failures:
            print(f"  {f.application_no} {f.name}：{f.message}")
        for w in result.warnings:
            print(f"  注意 {w.application_no} {w.name}：{w.message}")
    return 1 if result.failures else 0
