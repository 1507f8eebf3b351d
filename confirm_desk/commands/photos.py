"""CLI: photo normalize, check, sheet, import, normalize-all."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from confirm_desk.commands.common import add_format, add_operator, open_command, store_from

if TYPE_CHECKING:
    from confirm_desk.services.photos.analysis import PhotoCheck


def register(sub: argparse._SubParsersAction) -> None:
    photo = sub.add_parser("photo", help="照片：规范为 114×156、导入照片")
    family = photo.add_subparsers(dest="photo_command", metavar="操作", parser_class=type(photo))

    p = family.add_parser("normalize", help="把一张照片规范为 114×156 的 JPEG")
    p.add_argument("input", type=Path, metavar="IN")
    p.add_argument("output", type=Path, metavar="OUT")
    p.add_argument("--box", default="", help="裁剪框 x,y,宽,高（转正后的像素；默认：以人脸居中）")
    p.add_argument("--no-face", action="store_true", help="不找人脸，按默认位置（居中偏上）裁剪")
    p.add_argument("--rotate", type=int, default=0, choices=(0, 90, 180, 270), help="再顺时针旋转的角度")
    p.add_argument("--max-kb", type=int, default=0, help="JPEG 大小上限（KB，默认取规格的上限，定期注册 60）")
    p.add_argument("--preset", default="",
                   help="照片规格（registration / certification / exam，默认定期注册）")
    add_format(p, ("text", "json"))
    open_command(p)  # a file named on the command line, nothing from the store
    p.set_defaults(handler=cmd_normalize)

    p = family.add_parser("check", help="检查照片：人脸、背景色、黑白、尺寸、文件大小")
    p.add_argument("paths", type=Path, nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--preset", default="", help="按哪个照片规格检查（默认定期注册）")
    add_format(p, ("text", "json"))
    open_command(p)  # files named on the command line, nothing from the store
    p.set_defaults(handler=cmd_check)

    p = family.add_parser("sheet", help="打印照片核对表（A4 PDF：照片、姓名、报名号、问题）")
    p.add_argument("output", type=Path, metavar="OUT.pdf")
    p.add_argument("--problems", action="store_true", help="只列有问题或无照片的申请人")
    add_operator(p)
    p.set_defaults(handler=cmd_sheet)

    p = family.add_parser("import", help="导入照片文件夹或 .zip（文件名为证件号码或报名号）")
    p.add_argument("source", type=Path, metavar="DIR_OR_ZIP")
    add_operator(p)
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_import)

    p = family.add_parser("normalize-all", help="把库中尚未规范的照片全部规范为 114×156")
    p.add_argument("--redo", action="store_true", help="已规范的也重新生成（保留原裁剪框）")
    add_operator(p)
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_normalize_all)


def cmd_normalize(args: argparse.Namespace) -> int:
    from confirm_desk.domain.errors import PhotoRefused
    from confirm_desk.services.photos.applicant_photos import normalize_file_checked
    from confirm_desk.services.photos.presets import preset_by_key

    if args.max_kb < 0:
        raise PhotoRefused("--max-kb 必须大于 0")
    preset = preset_by_key(args.preset or None)
    result, check = normalize_file_checked(args.input, args.output, args.box or None, args.rotate,
                                   args.max_kb * 1024 or None, face=not args.no_face, preset=args.preset)
    if args.format == "json":
        from confirm_desk.commands.common import emit_json

        emit_json({"output": str(args.output), "bytes": len(result.data), "quality": result.quality,
                   "crop_box": result.frame.as_text(), "rotation": result.rotation,
                   "upright_size": list(result.upright_size), "warning": result.warning,
                   "faces": [list(f.rounded()) for f in check.faces], "background": check.background,
                   "findings": [{"code": f.code, "message": f.message} for f in check.findings]})
    else:
        print(f"已生成 {args.output}：{preset.width}×{preset.height}，{len(result.data) / 1024:.1f} KB，"
              f"质量 {result.quality}，"
              f"裁剪框 {result.frame.as_text()}（人脸 {len(check.faces)} 张）")
        for f in check.findings:
            print(f"  注意：{f.message}")
    return 0


def _photo_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            from confirm_desk.services.photos.sources import PHOTO_SUFFIXES

            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
        else:
            files.append(path)
    return files


def cmd_check(args: argparse.Namespace) -> int:
    """Every file checked; unreadable ones are reported and make the exit code 2."""
    from confirm_desk.domain.errors import KnownError
    from confirm_desk.services.photos.analysis import normalize_and_check
    from confirm_desk.services.photos.applicant_photos import read_photo_file
    from confirm_desk.services.photos.presets import preset_by_key

    preset = preset_by_key(args.preset or None)
    checks: list[tuple[Path, PhotoCheck | str]] = []  # each file and its check, or why it could not be read
    for path in _photo_files(args.paths):
        try:
            _, check = normalize_and_check(read_photo_file(path), preset)
        except KnownError as err:
            checks.append((path, err.message))
        else:
            checks.append((path, check))
    if args.format == "json":
        from confirm_desk.commands.common import emit_json

        emit_json({"preset": preset.key, "photos": [
            {"file": str(path), "error": c} if isinstance(c, str) else {"file": str(path), **c.as_dict()}
            for path, c in checks]})
    else:
        from confirm_desk.domain.photo_checks import BACKGROUND_ZH

        for path, c in checks:
            if isinstance(c, str):
                print(f"{path}：无法读取 — {c}")
                continue
            problems = "；".join(f.message for f in c.findings) or "没有发现问题"
            print(f"{path}：人脸 {len(c.faces)} 张，背景{BACKGROUND_ZH[c.background]}，{problems}")
    unreadable = sum(1 for _, c in checks if isinstance(c, str))
    return 2 if unreadable or not checks else 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from confirm_desk.services.photos.sheet import write_contact_sheet

    result = write_contact_sheet(store_from(args), args.output, only_problems=args.problems)
    print(f"已生成 {args.output}：{result.people} 人，{result.pages} 页，"
          f"其中有问题或无照片 {result.flagged} 人")
    return 0 if result.people else 2


def cmd_import(args: argparse.Namespace) -> int:
    from confirm_desk.services.photos.intake import import_photos

    result = import_photos(store_from(args), args.source, operator=args.account.username)
    if args.format == "json":
        from confirm_desk.commands.common import emit_json_result

        emit_json_result(result)
    else:
        print("\n".join(result.summary_lines()))
    return 1 if result.errors or result.unmatched else 0


def cmd_normalize_all(args: argparse.Namespace) -> int:
    from confirm_desk.services.photos.applicant_photos import normalize_all

    result = normalize_all(store_from(args), None, operator=args.account.username, redo=args.redo)
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
