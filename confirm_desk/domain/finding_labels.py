"""Short labels for finding codes (list tooltips, badges, reports), apart from the rules in domain/checks.py:
the applicant list shows them in its first paint without loading the rules."""

FINDING_LABELS = {
    "id_checksum": "身份证校验码错误", "id_format": "证件号码格式错误", "id_birth_invalid": "身份证出生日期无效",
    "id_birth_future": "出生日期在未来", "id_missing": "证件号码为空", "gender_mismatch": "性别与身份证不符",
    "id_old_15": "15位旧身份证号码", "id_province": "身份证省份代码无效",
    "birth_mismatch": "出生日期与身份证不符", "cert_old_format": "旧版15位证书号码", "cert_format": "证书号码格式错误",
    "cert_missing": "证书号码为空", "stage_mismatch": "低证高聘", "subject_differs": "科证不一",
    "date_unparsed": "日期无法识别", "cert_year_mismatch": "发证日期与证书号码年份不符",
    "cert_year_range": "证书号码年份不合理", "cert_province": "证书号码省份代码无效",
    "cert_kind_mismatch": "证书号码种类与资格种类不符", "cert_sex_mismatch": "证书号码性别与身份证不符",
    "practice_cert_post": "实习指导证书不适用于该岗位", "higher_cert": "高证低聘",
    "cert_correction_note": "须发证机关备注更正",
    "past_retirement": "已达法定退休年龄", "duplicate_id": "同一证件号码重复申请",
    "point_outside": "非本确认点", "post_scope": "岗位性质不在注册范围", "authority_mismatch": "注册机构有误",
    "date_future": "日期在未来", "hired_before_work": "聘用早于参加工作", "work_too_young": "参加工作时未满16岁",
    "cert_too_young": "发证时未满18岁",
}
