"""The office's configuration files written back as TOML: every text reads back as written."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from yc_reports.configfiles import toml_string, toml_tables


@given(st.text())
def test_any_text_reads_back_as_written(text):
    # DEL (U+007F) and the other control characters included: TOML forbids them raw
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_tables_keep_their_order_and_types():
    text = toml_tables({"document": {"kind": "简报", "seal_lines": 2}, "headings": {"bold_level3": True},
                        "page": {"top": 37.5}})
    assert tomllib.loads(text) == {"document": {"kind": "简报", "seal_lines": 2}, "headings": {"bold_level3": True},
                                   "page": {"top": 37.5}}
    assert text.index("[document]") < text.index("[headings]") < text.index("[page]")
