"""Reading the audit trail: filtered queries for the audit view and the .xlsx export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from confirm_desk.domain.fields import FIELDS
from confirm_desk.preferences import PREFERENCES
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.models import AuditEvent

ACTION_LABELS = {
    "import": "导入",
    "import_update": "导入更新",
    "staff_import": "导入教职工名单",
    "import_conflict": "导入冲突",
    "import_agree": "导入值与本地一致",
    "import_identity": "导入：证件号码变化未导入",
    "conflict_keep": "冲突：保留本地值",
    "conflict_take": "冲突：采用导入值",
    "photo": "照片",
    "photo_attach": "附加照片",
    "scan_image": "保存证件图像",
    "scan_image_delete": "删除证件图像",
    "scan_mark": "扫描比对标记",
    "scan_evidence_pdf": "生成核验留证",
    "photo_normalize": "规范照片",
    "demo": "生成演示数据",
    "real_work": "开始正式工作",
    "backup": "备份",
    "restore": "恢复备份",
    "override": "越过检查确认",
    "edit": "修改字段",
    "compare": "核对原件",
    "material": "材料",
    "condition": "注册条件",
    "condition_override": "注册条件改判（与证明材料不同）",
    "evidence_hours": "导入培训学时",
    "evidence_assessments": "导入年度考核",
    "evidence_contracts": "导入聘用合同",
    "decision": "确认结论",
    "reopen": "重新打开",
    "keyed": "已录入国家系统",
    "national_keep": "国家系统核对：保留本地结论",
    "national_take": "国家系统核对：采用国家系统结论",
    "window_override": "确认时间外作出结论（管理员）",
    "column_map": "记住列对应",
    "conflict": "保存冲突",
    "print": "打印",
    "print_receipt": "打印受理凭证",
    "print_form": "打印申请表",
    "print_notice": "打印补正通知单",
    "print_ethics": "打印师德表现证明",
    "print_assessment": "打印年度考核证明",
    "print_health": "打印身心健康证明",
    "print_bag": "打印档案袋封面",
    "print_publicity": "打印公示名单",
    "print_handover": "打印材料交接清单",
    "bag_numbers": "档案袋编号",
    "export": "导出",
    "login": "登录",
    "login_failed": "登录失败",
    "login_refused": "拒绝登录",
    "lockout": "账户锁定",
    "unlock": "解锁账户",
    "user_add": "新增用户",
    "password_reset": "重置密码",
    "password_change": "修改密码",
    "user_enable": "启用用户",
    "user_disable": "停用用户",
    "settings": "修改设置",
}
_FIELD_LABELS = ({f.key: f.label for f in FIELDS} | {"status": "确认状态", "role": "角色"}
                 | {p.key: p.label for p in PREFERENCES})
HEADERS = ("序号", "时间", "操作员", "操作", "报名号", "字段", "原值", "新值", "说明")


def local_time(at: dt.datetime) -> dt.datetime:
    """Stored times are UTC; people read the desk's local time."""
    return at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class AuditFilter:
    applicant_id: int | None = None
    action: str = ""
    operator: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    limit: int | None = None  # newest N when set (the view); the export takes everything


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    operator: str
    action: str
    application_no: str
    field: str
    old_value: str
    new_value: str
    detail: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "其他操作")

    @property
    def field_label(self) -> str:
        return _FIELD_LABELS.get(self.field, self.field)

    def cells(self) -> tuple[str, ...]:
        """The columns after the time, as the view and the export show them."""
        return (self.operator, self.action_label, self.application_no, self.field_label,
                self.old_value, self.new_value, self.detail)


def _filtered(criteria: AuditFilter) -> Select[AuditEvent]:
    stmt = select(AuditEvent)
    if criteria.applicant_id is not None:
        stmt = stmt.where(AuditEvent.applicant_id == criteria.applicant_id)
    if criteria.action:
        stmt = stmt.where(AuditEvent.action == criteria.action)
    if criteria.operator:
        stmt = stmt.where(AuditEvent.operator == criteria.operator)
    if criteria.since:
        stmt = stmt.where(AuditEvent.at >= utc_start(criteria.since))
    if criteria.until:
        stmt = stmt.where(AuditEvent.at < utc_start(criteria.until + dt.timedelta(days=1)))
    return stmt


def utc_start(day: dt.date) -> dt.datetime:
    """Local midnight of `day` as the naive UTC time the store keeps."""
    return dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC).replace(tzinfo=None)


def list_events(session: Session, criteria: AuditFilter = AuditFilter()) -> list[AuditRow]:
    """Events oldest first; with a limit, the newest `limit` events (still oldest first)."""
    stmt = _filtered(criteria)
    if criteria.limit:
        stmt = stmt.order_by(AuditEvent.id.desc()).limit(criteria.limit)
        events = list(session.scalars(stmt))[::-1]
    else:
        events = list(session.scalars(stmt.order_by(AuditEvent.id)))
    return [
        AuditRow(
            e.id, e.at, e.operator, e.action, e.application_no, e.field, e.old_value, e.new_value, e.detail
        )
        for e in events
    ]


def distinct_operators(session: Session) -> list[str]:
    return [
        o for o in session.scalars(select(AuditEvent.operator).distinct().order_by(AuditEvent.operator)) if o
    ]


def distinct_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def export_audit(
    session: Session,
    path: Path,
    criteria: AuditFilter = AuditFilter(),
    operator: str = "",
) -> int:
    """Writes the events in order to an .xlsx file (cells formula-escaped); returns how many.
    The export itself is then recorded as an event (it is not in the file it describes)."""
    from openpyxl import Workbook

    rows = list_events(session, criteria)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计记录")
    sheet.append(list(HEADERS))
    for r in rows:
        sheet.append([r.id, local_time(r.at), *(safe_cell(v) for v in r.cells())])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        book.save(temp)
    from confirm_desk.services import audit

    audit.record(session, "export", operator, detail=f"审计记录 {len(rows)} 条 → {path.name}")
    return len(rows)
