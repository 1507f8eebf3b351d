"""Generated document images for the scanning benchmark and tests: 教师资格证书 and 居民身份证 (front).

Each document is a person (the application's values), the values printed on the document (the same, or one
field changed so it must be found to differ), and a JPEG made the way a document camera or phone would:
rotated up to ±8°, a little perspective, blur, uneven light, JPEG quality down to 40. Fictional people only.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from confirm_desk.domain.idnumbers import check_char

ROOT = Path(__file__).resolve().parent.parent
# The bundled font plus whatever other CJK TrueType fonts this machine has (Debian fonts-arphic-*,
# fonts-wqy-zenhei); Droid Sans Fallback has no digits. At least the bundled one is always there.
FONT_CANDIDATES = (
    ROOT / "resources" / "fonts" / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢傅钟"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞宇浩然欣怡子涵思远晨阳佳琪俊杰雨婷志"
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治", "音乐", "体育", "美术",
            "信息技术", "科学", "道德与法治", "幼儿园")
CERT_KINDS = {1: "幼儿园教师资格", 2: "小学教师资格", 3: "初级中学教师资格", 4: "高级中学教师资格",
              5: "中等职业学校教师资格"}
ETHNICITIES = ("汉", "汉", "汉", "回", "满", "壮", "畲", "土家", "蒙古")
CITIES = (("330100", "杭州市", "浙江省"), ("330200", "宁波市", "浙江省"), ("330300", "温州市", "浙江省"),
          ("330400", "嘉兴市", "浙江省"), ("330600", "绍兴市", "浙江省"), ("330700", "金华市", "浙江省"),
          ("331000", "台州市", "浙江省"), ("320100", "南京市", "江苏省"), ("330900", "舟山市", "浙江省"))
STREETS = ("解放路", "人民大道", "中山北路", "文一西路", "延安路", "建设路", "和平街", "光明路")
# The desk keys each document shows (kinds in resources/scanning/kinds.json).
CERTIFICATE_KEYS = ("name", "gender", "birth_date", "id_number", "cert_type", "cert_subject", "cert_number",
                    "cert_issuer", "cert_issue_date")
ID_CARD_KEYS = ("name", "gender", "ethnicity", "birth_date", "id_address", "id_number")


def fonts() -> list[Path]:
    return [p for p in FONT_CANDIDATES if p.exists()]


@dataclass
class Person:
    """The application's values (desk keys, as the store holds them)."""

    values: dict[str, str]


@dataclass
class Document:
    kind: str  # certificate / id_card
    desk: dict[str, str]  # the application
    printed: dict[str, str]  # what the paper shows (desk form)
    changed: str = ""  # the desk key printed differently, "" when none
    font: str = ""
    jpeg: bytes = b""
    notes: list[str] = field(default_factory=list)


def make_id(rng: random.Random, region: str, born: dt.date, male: bool) -> str:
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def make_person(rng: random.Random) -> Person:
    male = rng.random() < 0.5
    born = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
    region, city, province = rng.choice(CITIES)
    issued = dt.date(max(born.year + 22, 1996), rng.randint(1, 12), rng.randint(1, 28))
    kind = rng.choice(list(CERT_KINDS))
    serial = rng.randint(0, 999999)
    cert_number = f"{issued.year}{region[:2]}{rng.randint(1, 999):03d}{kind}{1 if male else 2}{serial:06d}"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return Person({
        "name": name,
        "gender": "男" if male else "女",
        "ethnicity": rng.choice(ETHNICITIES) + "族",
        "birth_date": born.isoformat(),
        "id_number": make_id(rng, region[:4] + f"{rng.randint(1, 9):02d}", born, male),
        "id_address": f"{province}{city}{rng.choice(('上城区', '西湖区', '鄞州区', '鹿城区', '越城区'))}"
        f"{rng.choice(STREETS)}{rng.randint(1, 399)}号{rng.randint(1, 30)}幢{rng.randint(101, 1802)}室",
        "cert_type": CERT_KINDS[kind],
        "cert_subject": "幼儿园" if kind == 1 else rng.choice(SUBJECTS[:-1]),
        "cert_number": cert_number,
        "cert_issuer": f"{city}教育局",
        "cert_issue_date": issued.isoformat(),
    })


def change_one(rng: random.Random, values: dict[str, str], keys: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """The paper differs from the application in one field, the way real slips look (one char, one digit)."""
    printed = dict(values)
    key = rng.choice([k for k in keys if k != "id_address"])
    old = values[key]
    if key == "name":
        new = old[:-1] + rng.choice([c for c in GIVEN if c != old[-1]])
    elif key == "gender":
        new = "女" if old == "男" else "男"
    elif key == "ethnicity":
        new = rng.choice([e + "族" for e in ETHNICITIES if e + "族" != old])
    elif key in ("birth_date", "cert_issue_date"):
        day = dt.date.fromisoformat(old)
        new = (day + dt.timedelta(days=rng.choice((-1, 1, 31, 365)))).isoformat()
    elif key == "id_number":  # one digit different, check character recomputed: it passes its checksum
        pos = rng.randint(6, 16)
        first17 = old[:pos] + str((int(old[pos]) + rng.randint(1, 9)) % 10) + old[pos + 1:17]
        new = first17 + check_char(first17)
    elif key == "cert_number":
        pos = rng.randint(10, 16)
        new = old[:pos] + str((int(old[pos]) + rng.randint(1, 9)) % 10) + old[pos + 1:]
    elif key == "cert_type":
        new = rng.choice([v for v in CERT_KINDS.values() if v != old])
    elif key == "cert_subject":
        new = rng.choice([s for s in SUBJECTS[:-1] if s != old])
    else:  # cert_issuer
        new = rng.choice([c for _r, c, _p in CITIES if c + "教育局" != old]) + "教育局"
    printed[key] = new
    return printed, key


def _cn_date(iso: str, spaced: bool = False) -> str:
    day = dt.date.fromisoformat(iso)
    if spaced:
        return f"{day.year} 年 {day.month} 月 {day.day} 日"
    return f"{day.year}年{day.month}月{day.day}日"


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def render_certificate(printed: dict[str, str], font: Path, rng: random.Random) -> Image.Image:
    width, height = 1400, 1000
    paper = tuple(rng.randint(236, 252) for _ in range(3))
    img = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(img)
    ink = (rng.randint(10, 50),) * 3
    title = _font(font, 52)
    draw.text((width // 2, 70), "中华人民共和国", fill=(150, 20, 20), font=title, anchor="mm")
    draw.text((width // 2, 140), "教师资格证书", fill=(150, 20, 20), font=title, anchor="mm")
    size = rng.randint(30, 38)
    body = _font(font, size)
    colon = rng.choice(("：", "", ""))
    rows = [
        [("姓名", printed["name"]), ("性别", printed["gender"])],
        [("出生日期", _cn_date(printed["birth_date"]))],
        [("身份证件号码", printed["id_number"])],
        [("资格种类", printed["cert_type"])],
        [("任教学科", printed["cert_subject"])],
        [("证书号码", printed["cert_number"])],
        [("发证机关", printed["cert_issuer"])],
        [("发证日期", _cn_date(printed["cert_issue_date"]))],
    ]
    left, value_x = rng.randint(120, 200), rng.randint(420, 460)
    y = 230
    step = rng.randint(78, 90)
    for row in rows:
        x = left
        for i, (label, value) in enumerate(row):
            if i == 1:
                x = left + 700
                draw.text((x, y), label + colon, fill=ink, font=body)
                draw.text((x + size * 3 + 20, y), value, fill=ink, font=body)
                continue
            draw.text((x, y), label + colon, fill=ink, font=body)
            draw.text((value_x, y), value, fill=ink, font=body)
            draw.line((value_x - 10, y + size + 8, value_x + 560, y + size + 8), fill=(170, 170, 170), width=1)
        y += step
    draw.rectangle((30, 30, width - 30, height - 30), outline=(150, 20, 20), width=4)
    return img


def render_id_card(printed: dict[str, str], font: Path, rng: random.Random) -> Image.Image:
    width, height = 1284, 810  # 85.6 × 54 mm at 15 px/mm
    img = Image.new("RGB", (width, height), (rng.randint(225, 240), rng.randint(232, 245), rng.randint(236, 250)))
    draw = ImageDraw.Draw(img)
    for i in range(0, width, 24):  # the faint guilloche of the card
        draw.arc((i - 300, 200, i + 300, 900), 200, 340, fill=(205, 215, 228), width=1)
    label_ink, ink = (40, 90, 150), (15, 15, 15)
    small, big = _font(font, rng.randint(32, 36)), _font(font, rng.randint(40, 46))
    x_label, x_value = 90, 250
    draw.text((x_label, 110), "姓名", fill=label_ink, font=small)
    draw.text((x_value, 104), printed["name"], fill=ink, font=big)
    draw.text((x_label, 210), "性别", fill=label_ink, font=small)
    draw.text((x_value, 208), printed["gender"], fill=ink, font=small)
    draw.text((x_value + 170, 210), "民族", fill=label_ink, font=small)
    draw.text((x_value + 330, 208), printed["ethnicity"].removesuffix("族"), fill=ink, font=small)
    draw.text((x_label, 310), "出生", fill=label_ink, font=small)
    born = dt.date.fromisoformat(printed["birth_date"])
    draw.text((x_value, 308), f"{born.year}", fill=ink, font=small)
    draw.text((x_value + 110, 310), "年", fill=label_ink, font=small)
    draw.text((x_value + 175, 308), f"{born.month}", fill=ink, font=small)
    draw.text((x_value + 230, 310), "月", fill=label_ink, font=small)
    draw.text((x_value + 290, 308), f"{born.day}", fill=ink, font=small)
    draw.text((x_value + 345, 310), "日", fill=label_ink, font=small)
    draw.text((x_label, 410), "住址", fill=label_ink, font=small)
    address = printed["id_address"]
    for i in range(0, len(address), 11):
        draw.text((x_value, 408 + (i // 11) * 52), address[i:i + 11], fill=ink, font=small)
    draw.text((x_label, 650), "公民身份号码", fill=label_ink, font=small)
    draw.text((x_label + 250, 646), printed["id_number"], fill=ink, font=_font(font, rng.randint(40, 44)))
    draw.rectangle((880, 130, 1180, 520), fill=(205, 210, 218))  # the photo
    draw.ellipse((960, 190, 1100, 350), fill=(160, 150, 140))
    draw.rounded_rectangle((4, 4, width - 4, height - 4), radius=40, outline=(190, 190, 200), width=3)
    return img


def degrade(img: Image.Image, rng: random.Random, quality: int | None = None) -> bytes:
    """A document camera's or phone's picture: on a desk, rotated, skewed, blurred, unevenly lit, JPEG."""
    import numpy as np

    w, h = img.size
    margin = 120
    desk = Image.new("RGB", (w + 2 * margin, h + 2 * margin), tuple(rng.randint(60, 140) for _ in range(3)))
    desk.paste(img, (margin, margin))
    desk = desk.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BICUBIC, expand=True,
                       fillcolor=tuple(rng.randint(60, 140) for _ in range(3)))
    dw, dh = desk.size
    d = 0.04
    def jitter() -> tuple[float, float]:
        return rng.uniform(0, d) * dw, rng.uniform(0, d) * dh

    corners = [jitter() for _ in range(4)]
    src = [corners[0], (dw - corners[1][0], corners[1][1]), (dw - corners[2][0], dh - corners[2][1]),
           (corners[3][0], dh - corners[3][1])]
    coeffs = _perspective_coeffs([(0, 0), (dw, 0), (dw, dh), (0, dh)], src)
    desk = desk.transform((dw, dh), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    desk = desk.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.6)))
    arr = np.asarray(desk).astype(np.float32)
    yy, xx = np.mgrid[0:dh, 0:dw].astype(np.float32)
    angle = rng.uniform(0, 6.283)
    ramp = (np.cos(angle) * xx / dw + np.sin(angle) * yy / dh)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = 1.0 - rng.uniform(0.15, 0.45) * ramp
    arr = arr * light[..., None] + rng.uniform(-8, 8)
    arr += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 3, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    scale = rng.uniform(0.75, 1.0)
    out = out.resize((int(dw * scale), int(dh * scale)), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=quality or rng.randint(40, 90))
    return buffer.getvalue()


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=float)
    b = np.array([c for p in src for c in p], dtype=float)
    return list(np.linalg.solve(a, b))


def make_document(seed: int, kind: str | None = None, change: bool | None = None,
                  font: Path | None = None, quality: int | None = None) -> Document:
    rng = random.Random(seed)
    kind = kind or rng.choice(("certificate", "id_card"))
    person = make_person(rng)
    keys = CERTIFICATE_KEYS if kind == "certificate" else ID_CARD_KEYS
    change = rng.random() < 0.3 if change is None else change
    printed, changed = change_one(rng, person.values, keys) if change else (dict(person.values), "")
    font = font or rng.choice(fonts())
    render = render_certificate if kind == "certificate" else render_id_card
    jpeg = degrade(render(printed, font, rng), rng, quality)
    desk = {k: person.values[k] for k in keys if k != "id_address"}
    return Document(kind, desk, {k: printed[k] for k in keys}, changed, font.name, jpeg)
