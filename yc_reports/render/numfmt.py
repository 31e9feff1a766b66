"""Moved to yc_reports.numfmt (outside the stage layers: analysis formats issue values with it too).

This name is kept only until the modules that still import it from here switch to yc_reports.numfmt."""

from yc_reports.numfmt import (
    Number,
    change_phrase,
    cn_date,
    fmt_number,
    fmt_percent,
    fmt_points,
    gap_phrase,
    to_decimal,
    with_unit,
)

__all__ = ["Number", "change_phrase", "cn_date", "fmt_number", "fmt_percent", "fmt_points", "gap_phrase",
           "to_decimal", "with_unit"]
