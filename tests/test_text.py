import datetime as dt

import pytest

from confirm_desk.domain.text import clean_text, compact_code, looks_like_scientific, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-08-01", dt.date(2015, 8, 1)),
        ("2015/8/1", dt.date(2015, 8, 1)),
        ("20150801", dt.date(2015, 8, 1)),
        ("2015年8月1日", dt.date(2015, 8, 1)),
        ("2015.08", dt.date(2015, 8, 1)),
        ("２０１５年８月１日", dt.date(2015, 8, 1)),
        (42217, dt.date(2015, 8, 1)),  # Excel serial
        (42217.0, dt.date(2015, 8, 1)),
        ("42217", dt.date(2015, 8, 1)),
        (dt.datetime(2015, 8, 1, 0, 0), dt.date(2015, 8, 1)),
        ("2015-02-30", None),
        ("明年", None),
        ("", None),
    ],
)
def test_parse_date(raw, expected) -> None:
    assert parse_date(raw) == expected


def test_clean_and_compact() -> None:
    assert clean_text(2025330000001.0) == "2025330000001"
    assert clean_text("  王\u00a0 伟 ") == "王 伟"
    assert compact_code("ＡＢ１２ 3-4x") == "AB1234X"
    assert looks_like_scientific("3.30902E+17")
    assert not looks_like_scientific("330902197803277160")
