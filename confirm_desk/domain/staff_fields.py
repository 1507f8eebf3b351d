"""The staff list (教职工名单) registry: every column of a school's staff list, once, with its aliases."""

from __future__ import annotations

from dataclasses import dataclass

from confirm_desk.domain.fields import Kind, normalize_header


@dataclass(frozen=True)
class StaffField:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int = 200

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


STAFF_FIELDS: tuple[StaffField, ...] = (
    StaffField("name", "姓名", aliases=("教师姓名", "职工姓名"), required=True, max_length=60),
    StaffField("gender", "性别", max_length=10),
    StaffField(
        "id_number", "身份证号码", Kind.ID_NUMBER,
        ("证件号码", "身份证号", "公民身份号码", "有效身份证件号码", "身份证件号码"),
        required=True, max_length=40,
    ),
    StaffField("birth_date", "出生日期", Kind.DATE, ("出生年月", "出生年月日")),
    StaffField("school", "所在学校",
               aliases=("学校", "单位", "工作单位", "任教学校", "现任教学校", "学校名称", "所在单位", "单位名称",
                        "任职学校", "工作学校")),
    StaffField("on_post", "在岗状态",
               aliases=("是否在岗", "在岗情况", "在岗", "在职状态", "是否在职", "在职情况", "在岗/离岗", "人员状态",
                        "岗位状态", "任职状态", "在职"), max_length=20),
    StaffField("off_post_reason", "不在岗原因", aliases=("离岗原因",)),
    StaffField("post_category", "岗位类别", aliases=("岗位类型", "岗位性质"), max_length=40),
    StaffField(
        "cert_number", "教师资格证书号码", Kind.CERT_NUMBER,
        ("资格证书号码", "证书号码", "教师资格证号码", "教师资格证号"), max_length=40,
    ),
    StaffField("cert_type", "资格种类", aliases=("教师资格种类",)),
    StaffField("work_started_on", "参加工作时间", Kind.DATE, ("参加工作日期", "入职时间", "工作时间")),
    StaffField("probation_end", "试用期满日期", Kind.DATE,
               ("试用期满时间", "转正日期", "转正时间", "试用期满")),
    StaffField("last_registered_on", "上次注册日期", Kind.DATE, ("上次注册时间", "注册日期", "最近注册日期")),
    StaffField(
        "valid_until", "注册有效期至", Kind.DATE,
        ("注册有效期", "有效期至", "注册有效期截止", "注册有效期截止日期", "注册到期日期", "注册截止日期",
         "注册有效期止", "有效期截止日期", "注册有效截止日期", "注册到期时间"),
    ),
    StaffField("phone", "联系电话", Kind.CODE, ("手机号码", "手机", "联系方式", "电话"), max_length=40),
    # 统计表 表五 and the 花名册's 学校类别; the last conclusion tells a re-application after 暂缓 (Zhoushan 三(五)).
    StaffField("school_nature", "学校性质", aliases=("学校类别", "办学性质", "学校类型"), max_length=40),
    StaffField("last_conclusion", "上次注册结论", aliases=("注册结论", "上次注册结果"), max_length=40),
)

STAFF_FIELDS_BY_KEY: dict[str, StaffField] = {f.key: f for f in STAFF_FIELDS}
STAFF_KEYS: tuple[str, ...] = tuple(f.key for f in STAFF_FIELDS)
REQUIRED_STAFF_KEYS: tuple[str, ...] = tuple(f.key for f in STAFF_FIELDS if f.required)
STAFF_HEADER_INDEX: dict[str, StaffField] = {normalize_header(h): f for f in STAFF_FIELDS for h in f.headers}
NOT_ON_POST_WORDS = ("不在岗", "离岗", "否", "待岗", "病休", "停职", "借调", "长期病假")


def staff_field_for_header(text: str) -> StaffField | None:
    return STAFF_HEADER_INDEX.get(normalize_header(text))


def is_on_post(text: str) -> bool:
    """在岗 unless the cell says otherwise (an empty cell means the school did not mark anyone off post)."""
    value = (text or "").strip()
    return not any(word in value for word in NOT_ON_POST_WORDS)
