"""The field registry: every applicant field, once.

The importer, the detail and check dialogs, the edit forms, the printers and the exporters all read
this table; no other module lists the applicant fields again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Group(StrEnum):
    BASIC = "基本信息"
    CERTIFICATE = "证书信息"
    CONFIRMATION = "确认点信息"
    WORK = "现阶段工作信息"
    EDUCATION = "学历信息"


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # application no., phone, post code: half-width, no spaces
    ID_NUMBER = "id_number"
    CERT_NUMBER = "cert_number"
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"


class Editable(StrEnum):
    """Who may change a field at the confirmation point (CONF-2, CERT-2)."""

    NEVER = "never"
    CONFIRMER = "confirmer"
    IF_CERT_NOT_ON_RECORD = "if_cert_not_on_record"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    group: Group
    kind: Kind = Kind.TEXT
    aliases: tuple[str, ...] = ()
    code_list: str | None = None
    editable: Editable = Editable.NEVER
    required: bool = False
    derived: bool = False  # ID-2: derived from the ID number, never typed
    max_length: int = 200

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


_B, _C, _P, _W, _E = Group.BASIC, Group.CERTIFICATE, Group.CONFIRMATION, Group.WORK, Group.EDUCATION
_ME, _CERT = Editable.CONFIRMER, Editable.IF_CERT_NOT_ON_RECORD

FIELDS: tuple[Field, ...] = (
    Field("application_no", "报名号", _B, Kind.CODE, ("申请号", "网报号"), required=True, max_length=40),
    Field("name", "姓名", _B, aliases=("申请人姓名",), required=True, max_length=60),
    Field("gender", "性别", _B, Kind.CHOICE, code_list="gender", derived=True),
    Field("ethnicity", "民族", _B, Kind.CHOICE, code_list="ethnicity"),
    Field("id_type", "证件类型", _B, Kind.CHOICE, ("有效身份证件类型",), code_list="id_type"),
    Field(
        "id_number", "证件号码", _B, Kind.ID_NUMBER,
        ("身份证号", "身份证号码", "有效身份证件号码", "有效身份证件号"), required=True, max_length=40,
    ),
    Field("birth_date", "出生日期", _B, Kind.DATE, derived=True),
    Field("political_status", "政治面貌", _B, Kind.CHOICE, code_list="political_status"),
    Field("mandarin_level", "普通话水平", _B, Kind.CHOICE, ("普通话等级",), code_list="mandarin_level"),
    Field("phone", "手机号码", _B, Kind.CODE, ("联系电话", "手机", "联系方式"), max_length=40),
    Field("email", "电子邮箱", _B, aliases=("电子信箱", "邮箱")),
    Field("address", "通讯地址", _B, aliases=("联系地址",)),
    Field("postcode", "邮政编码", _B, Kind.CODE, ("邮编",), max_length=20),
    Field(
        "cert_number", "教师资格证书号码", _C, Kind.CERT_NUMBER,
        ("资格证书号码", "证书号码", "资格证号", "教师资格证号码", "教师资格证书号"), editable=_CERT, max_length=40,
    ),
    Field("cert_type", "资格种类", _C, Kind.CHOICE, ("教师资格种类",), code_list="cert_type", editable=_CERT),
    Field("cert_subject", "任教学科", _C, aliases=("资格任教学科", "证书任教学科"), editable=_CERT),
    Field("cert_issuer", "认定机构", _C, aliases=("发证机关", "证书认定机构"), editable=_CERT),
    Field("cert_issue_date", "发证日期", _C, Kind.DATE, ("证书签发日期",), editable=_CERT),
    Field("cert_on_record", "证书在系统中存在", _C, Kind.YES_NO, ("证书是否存在",)),
    Field("registration_type", "注册类型", _P, Kind.CHOICE, code_list="registration_type"),
    # The 申请表 prints "第 N 次注册" and the 填表日期 from the application (Zhoushan 附件2); exports that carry them
    # fill these, otherwise the form leaves them blank to write.
    Field("registration_count", "注册次数", _P, aliases=("第几次注册",), max_length=20),
    Field("applied_on", "填表日期", _P, Kind.DATE,
          ("申请日期", "网报日期", "网报时间", "提交日期", "提交时间", "申报日期", "网上申报时间", "申请时间")),
    Field("registration_authority", "注册机构", _P),
    Field("confirmation_point", "确认点", _P, aliases=("确认点名称",), editable=_ME),
    Field("online_status", "网报状态", _P, aliases=("状态", "申请状态")),
    Field("school", "现任教学校", _W, aliases=("任教学校", "工作单位"), editable=_ME),
    Field("school_nature", "学校性质", _W, Kind.CHOICE, code_list="school_nature", editable=_ME),
    Field(
        "school_location", "任教学校所在地", _W, Kind.CHOICE, ("学校所在地",),
        code_list="school_location", editable=_ME,
    ),
    Field("teaching_stage", "现任教学段", _W, Kind.CHOICE, ("任教学段",), code_list="stage", editable=_ME),
    Field("teaching_subject", "现任教学科", _W, editable=_ME),
    Field(
        "title", "教师职务", _W, Kind.CHOICE, ("职称", "教师职务(职称)", "教师职务（职称）"),
        code_list="title", editable=_ME,
    ),
    Field("post_nature", "岗位性质", _W, Kind.CHOICE, code_list="post_nature", editable=_ME),
    Field("work_started_on", "参加工作时间", _W, Kind.DATE, ("开始工作时间",), editable=_ME),
    Field(
        "hired_on", "本单位聘用起始日期", _W, Kind.DATE,
        ("现任教学校聘用起始时间", "聘用起始日期", "本单位聘用起始时间"), editable=_ME,
    ),
    Field("education", "最高学历", _E, Kind.CHOICE, code_list="education"),
    Field("degree", "最高学位", _E, Kind.CHOICE, code_list="degree"),
    Field("graduated_from", "毕业学校", _E),
    Field("graduated_on", "毕业时间", _E, Kind.DATE),
    Field("major", "所学专业", _E),
    Field("major_category", "专业类别", _E),
    Field("study_mode", "学习形式", _E),
)

FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
GROUPS: tuple[Group, ...] = tuple(Group)
CERT_FIELD_KEYS = tuple(f.key for f in FIELDS if f.group is Group.CERTIFICATE and f.key != "cert_on_record")


def fields_in(group: Group) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.group is group)


def normalize_header(text: str) -> str:
    """Header text as compared: no spaces, ASCII brackets, no trailing '*' (required marks)."""
    from confirm_desk.domain.text import to_halfwidth

    return to_halfwidth(str(text or "")).replace(" ", "").replace("*", "").strip()


HEADER_INDEX: dict[str, Field] = {normalize_header(h): f for f in FIELDS for h in f.headers}


def field_for_header(text: str) -> Field | None:
    return HEADER_INDEX.get(normalize_header(text))


def may_edit(field: Field, cert_on_record: bool) -> bool:
    """CONF-2 and CERT-2: what the confirmer may change."""
    if field.editable is Editable.CONFIRMER:
        return True
    if field.editable is Editable.IF_CERT_NOT_ON_RECORD:
        return not cert_on_record
    return False


def is_yes(text: str | None) -> bool:
    return (text or "").strip() in ("是", "Y", "y", "YES", "yes", "1", "true", "True", "存在")
