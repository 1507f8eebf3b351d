"""Our own generator of realistic, fictional applicants (valid ID numbers, photos drawn here).

It never reads ../shared: the demo must work on a machine that has only this repository.

The demo data lives in its own store (paths.demo_db_url), never in the real one. The desk shows it until
real work starts: the first real import, or 开始正式工作 (`start_real_work`, a mark in the real store).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from confirm_desk.domain.idnumbers import check_char
from confirm_desk.services.importing.applicants import ImportResult, store_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
from confirm_desk.services.photos.intake import attach_photo_files
from confirm_desk.services.photos.sources import PhotoFile
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.db import Store

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建波宁晨欣怡嘉琪雨婷子涵浩然思远佳俊"


@dataclass(frozen=True)
class Area:
    region: str  # first six ID digits
    city: str
    authority: str
    point: str
    schools: tuple[tuple[str, str, str], ...]  # name, nature, stage
    postcode: str


AREAS = (
    Area("330902", "舟山市定海区", "舟山市定海区教育局", "定海区教师发展中心确认点", (
        ("舟山市定海区城东幼儿园", "公办幼儿园", "幼儿园"),
        ("舟山市定海区第一小学", "公办小学", "小学"),
        ("舟山市定海区第二中学", "公办初中", "初级中学"),
        ("舟山中学", "公办高中", "高级中学"),
    ), "316000"),
    Area("320106", "南京市鼓楼区", "南京市教育局", "鼓楼区教师资格确认点", (
        ("南京市鼓楼区实验幼儿园", "公办幼儿园", "幼儿园"),
        ("南京市鼓楼区第二实验小学", "公办小学", "小学"),
        ("南京市第二十九中学", "公办高中", "高级中学"),
        ("南京市鼓楼区民办育英学校", "民办初中", "初级中学"),
    ), "210000"),
    Area("500114", "重庆市黔江区", "重庆市黔江区教育委员会", "黔江区继续教育中心确认点", (
        ("重庆市黔江区实验小学", "公办小学", "小学"),
        ("重庆市黔江中学校", "公办高中", "高级中学"),
        ("重庆市黔江区民族职业教育中心", "公办中职中专（技校）", "中等职业学校"),
    ), "409000"),
)
SUBJECTS = {
    "幼儿园": ["幼儿园"], "小学": ["语文", "数学", "英语", "科学", "体育", "音乐", "美术"],
    "初级中学": ["语文", "数学", "英语", "物理", "化学", "历史"],
    "高级中学": ["语文", "数学", "英语", "物理", "化学", "生物", "地理", "政治"],
    "中等职业学校": ["电子技术应用", "计算机应用", "机械加工技术", "会计"],
}
TITLES = ["正高级教师", "高级教师", "一级教师", "二级教师", "三级教师"]
ETHNICITIES = ["汉族"] * 12 + ["回族", "土家族", "苗族", "满族"]
UNIVERSITIES = ["浙江师范大学", "南京师范大学", "西南大学", "重庆师范大学", "浙江海洋大学", "长江师范学院"]
MAJORS = ["汉语言文学", "数学与应用数学", "英语", "小学教育", "学前教育", "物理学", "计算机科学与技术"]


def make_id(rng: random.Random, region: str, born: dt.date, male: bool) -> str:
    seq = rng.randint(0, 99) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


_KIND_DIGIT = {"幼儿园": "1", "小学": "2", "初级中学": "3", "高级中学": "4", "中等职业学校": "5"}


def demo_cert_number(year: int, region: str, stage: str, male: bool, number: int) -> str:
    """CERT-4: year · province (2) · authority (3) · kind · sex (from 2009) · serial (6)."""
    sex = ("1" if male else "2") if year >= 2009 else "0"
    return f"{year}{region[:5]}{_KIND_DIGIT.get(stage, '2')}{sex}{number % 1_000_000:06d}"


def generate(count: int, seed: int = 2026) -> list[dict[str, str]]:
    """Registry-keyed rows for `count` fictional applicants."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        area = AREAS[i % len(AREAS)]
        school, nature, stage = rng.choice(area.schools)
        male = rng.random() < 0.3
        born = dt.date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
        work_year = max(born.year + 22, 1990)
        issued = dt.date(max(work_year, 1993), rng.randint(5, 7), rng.randint(1, 28))  # no certificate before 1993
        cert_stage = stage if rng.random() > 0.05 else "小学"
        subject = rng.choice(SUBJECTS[stage])
        cert_type = f"{cert_stage}教师资格"
        first = rng.random() < 0.15
        rows.append({
            "application_no": f"2025{area.region[:2]}{i + 1:07d}",
            "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2]))),
            "gender": "男" if male else "女",
            "ethnicity": rng.choice(ETHNICITIES),
            "id_type": "居民身份证",
            "id_number": make_id(rng, area.region, born, male),
            "birth_date": born.isoformat(),
            "political_status": rng.choice(["中共党员", "共青团员", "群众", "群众"]),
            "mandarin_level": rng.choice(["一级乙等", "二级甲等", "二级乙等"]),
            "phone": f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            "email": f"t{rng.randint(10000, 99999)}@example.cn",
            "address": f"{area.city}{school}",
            "postcode": area.postcode,
            "cert_number": demo_cert_number(issued.year, area.region, cert_stage, male, rng.randint(1000000, 9999999)),
            "cert_type": cert_type,
            "cert_subject": subject if cert_stage == stage else rng.choice(SUBJECTS[cert_stage]),
            "cert_issuer": f"{area.city}教育局" if "重庆" not in area.city else area.authority,
            "cert_issue_date": issued.isoformat(),
            "cert_on_record": rng.choice(["是", "否"]),
            "registration_type": "首次注册" if first else "定期注册",
            "registration_count": "1" if first else "",
            "applied_on": (dt.date(2025, 9, 1) + dt.timedelta(days=i % 20)).isoformat(),
            "registration_authority": area.authority,
            "confirmation_point": area.point,
            "online_status": "网报未完成" if rng.random() < 0.04 else "网报待确认",
            "school": school,
            "school_nature": nature,
            "school_location": rng.choice(["城市", "县城", "农村"]),
            "teaching_stage": stage,
            "teaching_subject": subject,
            "title": rng.choice(TITLES),
            "post_nature": "在编在岗",
            "work_started_on": f"{work_year}-08-01",
            "hired_on": f"{rng.randint(work_year, 2022)}-08-01",
            "education": rng.choice(["本科", "本科", "研究生", "大学专科"]),
            "degree": rng.choice(["学士", "硕士", "无"]),
            "graduated_from": rng.choice(UNIVERSITIES),
            "graduated_on": f"{work_year}-06-30",
            "major": rng.choice(MAJORS),
            "major_category": rng.choice(["师范类", "非师范类"]),
            "study_mode": "全日制",
        })
    return rows


def draw_photo(seed: int, size: tuple[int, int] = (300, 410)) -> bytes:
    """A simple drawn head-and-shoulders on a plain background (no real person)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    background = rng.choice([(255, 255, 255), (67, 142, 219), (200, 30, 40)])
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    skin = rng.choice([(241, 204, 178), (224, 182, 150), (198, 154, 120)])
    cloth = rng.choice([(30, 30, 40), (40, 60, 110), (90, 90, 90), (240, 240, 240)])
    hair = rng.choice([(20, 15, 10), (50, 35, 25), (80, 60, 40)])
    draw.ellipse((w * 0.08, h * 0.68, w * 0.92, h * 1.25), fill=cloth)  # shoulders
    draw.rectangle((w * 0.42, h * 0.52, w * 0.58, h * 0.72), fill=skin)  # neck
    draw.ellipse((w * 0.27, h * 0.12, w * 0.73, h * 0.30), fill=hair)
    draw.ellipse((w * 0.3, h * 0.16, w * 0.7, h * 0.62), fill=skin)  # face
    for ex in (0.41, 0.59):
        draw.ellipse((w * ex - 6, h * 0.36, w * ex + 6, h * 0.39), fill=(40, 30, 30))
    draw.arc((w * 0.43, h * 0.46, w * 0.57, h * 0.53), 20, 160, fill=(150, 60, 60), width=3)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def fill_demo(store: Store, count: int = 200, progress: ProgressFn = no_progress) -> ImportResult | None:
    """Fill an empty store; returns None (and changes nothing) when applicants are already there."""
    from sqlalchemy import func, select

    from confirm_desk.services import audit
    from confirm_desk.store.models import Batch, applicant_table

    rows = generate(count)
    with store.session() as session:
        if session.scalar(select(func.count()).select_from(applicant_table)):
            return None
        result = ImportResult(file="演示数据")
        batch = Batch(kind="import", file_name="demo", operator="demo")
        session.add(batch)
        session.flush()
        store_rows(session, list(enumerate(rows, start=1)), result, operator="demo", batch_id=batch.id)
        photos = [
            PhotoFile(f"{r['id_number']}.jpg", r["id_number"], draw_photo(i))
            for i, r in enumerate(rows) if i % 17 != 5  # a few applicants bring no photo
        ]
        result.photos = attach_photo_files(session, photos, operator="demo", progress=progress)
        batch.row_count = result.imported
        audit.record(session, "demo", "demo", detail=result.summary())
    return result


REAL_WORK_KEY = "real_work_started"  # a row of the real store's setting table (not a preference)


def real_work_started(session: Session) -> bool:
    """The real store is in use: it holds applicants, or the clerk chose 开始正式工作."""
    from sqlalchemy import func, select

    from confirm_desk.store.models import Setting, applicant_table

    if session.get(Setting, REAL_WORK_KEY) is not None:
        return True
    return bool(session.scalar(select(func.count()).select_from(applicant_table)))


def start_real_work(session: Session, operator: str) -> None:
    """From now on the desk opens the real store (audited once)."""
    from confirm_desk.services import audit
    from confirm_desk.store.models import Setting, utcnow

    if session.get(Setting, REAL_WORK_KEY) is None:
        session.add(Setting(key=REAL_WORK_KEY, value=utcnow().isoformat()))
        audit.record(session, "real_work", operator, detail="不再显示演示数据")
