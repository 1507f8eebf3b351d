"""Photos as supplied: a folder or a .zip of files named <证件号码> or <报名号>. Zip members that
would escape (../, absolute paths, links) are refused, and nothing is ever extracted to disk."""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from confirm_desk.domain.errors import FileRefused

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".jfif", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif"}
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # a phone photo is < 15 MB; more is not a photo we want in the store
# Photos hardly compress (JPEG ~1:1, a plain BMP ~1:20): many members inflating 1000:1 would fill memory.
MAX_RATIO = 100
MAX_RATIO_CHECKED_BYTES = 1024 * 1024
# One import holds its photos in memory until they are stored: 10,000 ID photos are ~0.3 GB.
MAX_TOTAL_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class PhotoFile:
    name: str  # as shown to the user (path inside the folder or zip)
    stem: str  # the part that names the applicant
    data: bytes | None  # None when refused
    problem: str = ""


def iter_photo_files(source: Path) -> Iterator[PhotoFile]:
    source = Path(source)
    if not source.exists():
        raise FileRefused(f"照片文件夹或压缩包不存在：{source}")
    if source.is_dir():
        yield from _from_folder(source)
    elif source.suffix.lower() == ".zip":
        yield from _from_zip(source)
    elif source.suffix.lower() in PHOTO_SUFFIXES:
        yield _read_file(source, source.name)
    else:
        raise FileRefused(f"“{source.name}”不是照片文件夹或 .zip 压缩包")


def _read_file(path: Path, shown: str) -> PhotoFile:
    stem = Path(shown).stem
    if path.is_symlink():
        return PhotoFile(shown, stem, None, "符号链接，已跳过")
    size = path.stat().st_size
    if size == 0:
        return PhotoFile(shown, stem, None, "照片文件为空（0 字节）")
    if size > MAX_PHOTO_BYTES:
        return PhotoFile(shown, stem, None, f"照片文件过大（{size // 1024 // 1024} MB）")
    return PhotoFile(shown, stem, path.read_bytes())


def _refuse_too_much(source: Path, sizes: list[int]) -> None:
    total = sum(size for size in sizes if size <= MAX_PHOTO_BYTES)
    if total > MAX_TOTAL_BYTES:
        raise FileRefused(
            f"“{source.name}”中的照片共 {total / 1024**3:.1f} GB，超过一次导入的上限 "
            f"{MAX_TOTAL_BYTES // 1024**3} GB：请分批导入，或先把照片压缩到每张 200 KB 以内"
        )


def _from_folder(folder: Path) -> Iterator[PhotoFile]:
    paths = [p for p in sorted(folder.rglob("*"))
             if p.suffix.lower() in PHOTO_SUFFIXES and (p.is_file() or p.is_symlink())]
    _refuse_too_much(folder, [p.stat().st_size for p in paths if not p.is_symlink()])
    for path in paths:
        yield _read_file(path, str(path.relative_to(folder)))


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name. Without the UTF-8 flag (bit 11) the zip module decodes names as cp437, but
    zip tools on Chinese Windows (the built-in one, WinRAR, 360压缩, 好压) write them in GBK: undo cp437 and
    read the bytes as UTF-8 (tools that omit the flag) or else GB18030."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = b""
        if raw and not raw.isascii():
            for encoding in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return name.replace("\\", "/")


def _unsafe_member(info: zipfile.ZipInfo) -> str:
    name = member_name(info)
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return "路径越出压缩包（含 ../ 或绝对路径），已拒绝"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "符号链接，已拒绝"
    if info.file_size > MAX_PHOTO_BYTES:
        return f"照片文件过大（{info.file_size // 1024 // 1024} MB）"
    if info.file_size > MAX_RATIO_CHECKED_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return "压缩比异常（疑似“压缩炸弹”），已拒绝"
    return ""


def _from_zip(path: Path) -> Iterator[PhotoFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise FileRefused(f"无法打开压缩包“{path.name}”：文件已损坏或不是 zip 格式") from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()
                   and PurePosixPath(member_name(i)).suffix.lower() in PHOTO_SUFFIXES]
        _refuse_too_much(path, [i.file_size for i in members if not _unsafe_member(i)])
        for info in members:
            name = member_name(info)
            stem = PurePosixPath(name).stem
            problem = _unsafe_member(info)
            if problem:
                yield PhotoFile(name, stem, None, problem)
                continue
            if info.file_size == 0:
                yield PhotoFile(name, stem, None, "照片文件为空（0 字节）")
                continue
            try:
                data = archive.read(info)
            except Exception as exc:  # bad CRC, broken deflate stream, odd flags, encryption: a damaged member
                yield PhotoFile(name, stem, None, f"压缩包中的文件已损坏（{exc.__class__.__name__}）")
                continue
            yield PhotoFile(name, stem, data)
