"""Every preference declared once: key, type, default, Chinese label, tab, and where it is kept (Qt-free).

Two scopes. STORE preferences belong to the confirmation point and every seat must agree on them (the
services read them from the store's `setting` table: photo ceiling, point name, rule thresholds). SEAT
preferences belong to this computer (idle lock, backup folder, printer) and live in a QSettings INI file
in the data folder. The dialog builds its tabs from this table; nothing else lists preferences again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from confirm_desk.domain.errors import KnownError


class Scope(Enum):
    STORE = "store"  # shared by every seat: the store's setting table
    SEAT = "seat"  # this computer only: QSettings


class Kind(Enum):
    TEXT = "text"
    INT = "int"
    CHOICE = "choice"
    DATE = "date"  # ISO yyyy-mm-dd; "" = not set
    FOLDER = "folder"
    PRINTER = "printer"  # a printer name; "" = the system default


Value = str | int | dt.date | None


@dataclass(frozen=True)
class Preference:
    key: str
    kind: Kind
    default: Value
    label: str
    tab: str
    scope: Scope
    minimum: int = 0
    maximum: int = 0
    choices: tuple[str, ...] = ()
    suffix: str = ""
    help: str = ""

    def parse(self, raw: object) -> Value:
        """A stored value (text from the table or the INI file; None when absent) as this type;
        anything unreadable falls back to the default rather than stopping the app."""
        if raw is None or raw == "":
            return self.default
        text = str(raw).strip()
        try:
            if self.kind is Kind.INT:
                number = int(text)
                return number if self.minimum <= number <= self.maximum else self.default
            if self.kind is Kind.DATE:
                return dt.date.fromisoformat(text)
            if self.kind is Kind.CHOICE:
                return text if text in self.choices else self.default
        except ValueError:
            return self.default
        return text

    def check(self, value: Value) -> Value:
        """The value to store, or KnownError with a message naming the preference."""
        if self.kind is Kind.INT:
            if not isinstance(value, int) or not self.minimum <= value <= self.maximum:
                raise KnownError(f"“{self.label}”应为 {self.minimum}–{self.maximum} 之间的整数")
        elif self.kind is Kind.DATE:
            if value is not None and not isinstance(value, dt.date):
                raise KnownError(f"“{self.label}”应为日期")
        elif self.kind is Kind.CHOICE:
            if value not in self.choices:
                raise KnownError(f"“{self.label}”只能是：{'、'.join(self.choices)}")
        else:
            value = str(value or "").strip()
        return value

    def to_text(self, value: Value) -> str:
        if value is None:
            return ""
        return value.isoformat() if isinstance(value, dt.date) else str(value)


POINT, CAMPAIGN, RULES, PHOTO, SEAT, PRINT, SCAN = "确认点", "注册计划", "规则", "照片", "本机", "打印", "扫描"
PROVINCES = ("浙江省", "江苏省", "重庆市", "其他")
PAPERS = ("A4", "A5", "B5", "Letter")


S, H = Scope.STORE, Scope.SEAT
PREFERENCES: tuple[Preference, ...] = (
    Preference("point_name", Kind.TEXT, "", "确认点名称", POINT, S, help="打印在受理凭证和报表上"),
    Preference("point_code", Kind.TEXT, "", "确认点代码", POINT, S, help="上级教育部门分配的代码"),
    Preference("point_address", Kind.TEXT, "", "确认点地址", POINT, S,
               help="补交材料的地点，打印在凭证上（可空）"),
    Preference("desk_points", Kind.TEXT, "", "本台负责的确认点", POINT, S,
               help="多个用“；”分隔；留空为上面的确认点名称。其他确认点的申请人会被标记"),
    Preference("point_authorities", Kind.TEXT, "", "各确认点的注册机构", POINT, S,
               help="格式：确认点=注册机构，多个用“；”分隔。注册机构与此不符的申请人会被标记"),
    # CAL-1: the national 注册计划's windows. campaign_end keeps its key (stored values stay valid) and is the
    # end of the 确认 window; coverage_until is another question (whose registration runs out this campaign).
    Preference("online_start", Kind.DATE, None, "网报开始日期", CAMPAIGN, S, help="注册计划：网上申报开始"),
    Preference("online_end", Kind.DATE, None, "网报结束日期", CAMPAIGN, S, help="注册计划：网上申报结束"),
    Preference("campaign_start", Kind.DATE, None, "现场确认开始日期", CAMPAIGN, S,
               help="注册计划：现场确认开始；此前作出确认结论须管理员填写原因"),
    Preference("campaign_end", Kind.DATE, None, "现场确认结束日期", CAMPAIGN, S,
               help="注册计划：现场确认的最后一天；此后作出确认结论须管理员填写原因，仍为网报待确认者视为自动放弃"),
    Preference("coverage_until", Kind.DATE, None, "应注册判断截止日期", CAMPAIGN, S,
               help="注册有效期在此日前到期、或试用期在此日前期满的教师本期应注册；"
                    "留空为当年 12 月 31 日"),
    Preference("local_cert_issuers", Kind.TEXT, "", "本地认定机构", POINT, S,
               help="证书由这些机构认定的申请人不必交“认定申请表复印件”；多个用顿号或逗号分隔，"
                    "如：杭州市上城区教育局、杭州市教育局"),
    Preference("bag_number_pattern", Kind.TEXT, "{year}{point_code}{seq:04d}", "档案袋编号规则", POINT, S,
               help="新注册人员的档案袋编号；{year} 年份，{point_code} 确认点代码，{seq:04d} 四位顺序号。"
                    "再次注册的教师沿用原编号（可导入或录入）"),
    Preference("incomplete_deadline_days", Kind.INT, 5, "补交材料期限", POINT, S,
               minimum=1, maximum=60, suffix=" 天",
               help="材料不全时，申请人须在这么多天内补齐（不晚于现场确认结束日期）"),
    Preference("rule_province", Kind.CHOICE, "浙江省", "省份规则集", RULES, S,
               choices=PROVINCES, help="各省的注册条件细则不同；下两项保存后优先于规则集"),
    Preference("training_hours_periodic", Kind.INT, 360, "定期注册所需培训学时", RULES, S,
               minimum=0, maximum=2000, suffix=" 学时", help="五年周期内累计"),
    Preference("training_hours_first", Kind.INT, 180, "首次注册所需培训学时", RULES, S,
               minimum=0, maximum=2000, suffix=" 学时", help="首次注册的新教师"),
    Preference("training_hours_per_credit", Kind.INT, 1, "每学分折合学时", RULES, S,
               minimum=1, maximum=100, suffix=" 学时",
               help="培训记录只给学分时按此折算（浙江、重庆均为 1 学分 = 1 学时）"),
    Preference("photo_max_kb", Kind.INT, 60, "照片大小上限", PHOTO, S,
               minimum=10, maximum=500, suffix=" KB", help="规范后的照片文件不超过此大小"),
    Preference("idle_lock_minutes", Kind.INT, 15, "无操作自动锁屏", SEAT, H,
               minimum=0, maximum=240, suffix=" 分钟", help="0 表示不锁屏"),
    Preference("backup_folder", Kind.FOLDER, "", "备份文件夹", SEAT, H, help="建议选择 U 盘或另一块硬盘"),
    Preference("backup_keep", Kind.INT, 10, "保留备份份数", SEAT, H, minimum=1, maximum=100, suffix=" 份"),
    Preference("scan_folder", Kind.FOLDER, "", "高拍仪图像文件夹", SCAN, H,
               help="高拍仪或扫描仪软件保存图像的文件夹；核对对话框打开时，新保存的证件图像自动识别比对"),
    Preference("scan_camera", Kind.INT, -1, "文档摄像头编号", SCAN, H, minimum=-1, maximum=9,
               help="-1 表示不用摄像头；0 为第一个摄像头（核对对话框中出现“拍照”按钮）"),
    Preference("printer_name", Kind.PRINTER, "", "打印机", PRINT, H, help="留空则使用系统默认打印机"),
    Preference("paper_size", Kind.CHOICE, "A4", "纸张", PRINT, H, choices=PAPERS),
)
BY_KEY: dict[str, Preference] = {p.key: p for p in PREFERENCES}
TABS: tuple[str, ...] = tuple(dict.fromkeys(p.tab for p in PREFERENCES))


def preference(key: str) -> Preference:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"undeclared preference {key!r}") from None
