"""PDF conversion: a clear message without LibreOffice, one soffice run for all files with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from yc_reports.render import pdf as pdf_module
from yc_reports.render.pdf import PdfFailed, PdfUnavailable, convert_to_pdf


def test_without_libreoffice_the_message_says_what_to_do(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    with pytest.raises(PdfUnavailable) as caught:
        convert_to_pdf([tmp_path / "a.docx"], tmp_path)
    assert str(caught.value) == pdf_module.unavailable_message()
    assert str(caught.value).startswith("未安装 LibreOffice，无法生成 PDF。") and "直接使用 .docx 文件" in str(caught.value)


def test_nothing_to_convert_needs_no_libreoffice(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    assert convert_to_pdf([], tmp_path) == []


def test_one_soffice_run_with_a_private_profile(monkeypatch, tmp_path: Path):
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        out = Path(command[command.index("--outdir") + 1])
        for name in command[command.index("--outdir") + 2:]:
            (out / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.4")

    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: "/usr/bin/soffice" if name == "soffice" else None)
    monkeypatch.setattr(pdf_module.subprocess, "run", fake_run)
    out = tmp_path / "pdf"
    result = convert_to_pdf([tmp_path / "甲.docx", tmp_path / "乙.docx"], out)
    assert result == [out / "甲.pdf", out / "乙.pdf"]
    assert len(calls) == 1
    assert calls[0][0] == "/usr/bin/soffice" and calls[0][1].startswith("-env:UserInstallation=file://")
    assert "--headless" in calls[0] and calls[0][-2:] == [str(tmp_path / "甲.docx"), str(tmp_path / "乙.docx")]
    assert calls[0][calls[0].index("--convert-to") + 1] == pdf_module.LOSSLESS_PDF


def test_an_older_libreoffice_gets_a_plain_second_try(monkeypatch, tmp_path: Path):
    targets = []

    def fake_run(command, **kwargs):
        target = command[command.index("--convert-to") + 1]
        targets.append(target)
        if target == "pdf":      # only the plain filter name is understood
            out = Path(command[command.index("--outdir") + 1])
            (out / "甲.pdf").write_bytes(b"%PDF-1.4")

    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: "/usr/bin/soffice")
    monkeypatch.setattr(pdf_module.subprocess, "run", fake_run)
    assert convert_to_pdf([tmp_path / "甲.docx"], tmp_path) == [tmp_path / "甲.pdf"]
    assert targets == [pdf_module.LOSSLESS_PDF, "pdf"]


def test_a_stale_pdf_does_not_pass_for_a_failed_conversion(monkeypatch, tmp_path: Path):
    (tmp_path / "甲.pdf").write_bytes(b"old")
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: "/usr/bin/soffice")
    monkeypatch.setattr(pdf_module.subprocess, "run", lambda command, **kwargs: None)
    with pytest.raises(PdfFailed, match=r"甲\.pdf"):
        convert_to_pdf([tmp_path / "甲.docx"], tmp_path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_real_conversion(tmp_path: Path):
    from yc_reports.render.docx.document import OfficialDocument
    from yc_reports.render.docx.settings import load_document_settings

    doc = OfficialDocument(load_document_settings())
    doc.paragraph("本季度各项工作有序推进。")
    source = doc.save(tmp_path / "通报.docx")
    (pdf,) = convert_to_pdf([source], tmp_path / "out")
    assert pdf.read_bytes().startswith(b"%PDF")
