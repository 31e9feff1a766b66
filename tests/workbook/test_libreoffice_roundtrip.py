"""A workbook re-saved by a real office suite (LibreOffice Calc here, as WPS and Excel users do) still parses."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from factory import REGISTRY, clean_fill, extra_task, save, template, write_filled
from yc_reports.intake.reader import parse_workbook

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def convert(source: Path, fmt: str, tmp_path: Path) -> Path:
    """soffice --convert-to with a private profile, so parallel runs never share one."""
    out = tmp_path / f"converted-{fmt}"
    profile = tmp_path / "lo_profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    converted = out / f"{source.stem}.{fmt}"
    assert converted.is_file(), f"LibreOffice wrote nothing for {source.name}"
    return converted


def comparable(submission):
    return dataclasses.replace(submission, file="", sha256="")


def test_workbook_resaved_by_libreoffice_reads_the_same_records(tmp_path):
    fill = dataclasses.replace(clean_fill(3), extra_tasks=(extra_task(),),
                               values={**clean_fill(3).values, "green_parks": Decimal("1.5")})
    original = write_filled(tmp_path, 3, fill=fill, name="经信局.xlsx")
    resaved = convert(original, "xlsx", tmp_path)
    assert resaved.read_bytes() != original.read_bytes()
    before, after = parse_workbook(original, REGISTRY), parse_workbook(resaved, REGISTRY)
    assert after.issues == () and before.issues == ()
    assert comparable(after.submission) == comparable(before.submission)


def test_percent_row_resaved_by_libreoffice(tmp_path):
    fill = dataclasses.replace(clean_fill(4), values={**clean_fill(4).values, "rd_activity_coverage": "92.5%"})
    original = write_filled(tmp_path, 4, fill=fill, name="科技局.xlsx")
    after = parse_workbook(convert(original, "xlsx", tmp_path), REGISTRY)
    assert after.issues == ()
    assert after.submission.indicator("rd_activity_coverage").value == Decimal("92.5")


def test_spoiled_workbook_resaved_by_libreoffice_points_at_the_same_cells(tmp_path):
    fill = dataclasses.replace(clean_fill(3), phone="", values={**clean_fill(3).values, "green_factories": "约8家"})
    original = write_filled(tmp_path, 3, fill=fill, name="经信局.xlsx")
    before, after = parse_workbook(original, REGISTRY), parse_workbook(convert(original, "xlsx", tmp_path), REGISTRY)
    assert [(i.code, i.sheet, i.cell) for i in after.issues] == [(i.code, i.sheet, i.cell) for i in before.issues]
    assert [(i.sheet, i.cell) for i in after.issues] == [("基本信息", "B7"), ("指标进展", "H5")]


@pytest.mark.parametrize("action_id", [3, 6])
def test_template_opens_cleanly_and_prints(tmp_path, action_id):
    source = save(template(action_id, "2025Q3"), tmp_path / f"t{action_id}.xlsx")
    pdf = convert(source, "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    # the guide, basic info and the three tables print; the hidden sheet does not
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 5
