"""Issue 17 rule 7 on the portal: when both co-leads of an action (八: 人行市中心支行 and 市地方金融工作局) stand by
accepted uploads that differ, the action is 数据待核实 on the board, on both units' pages and in the build, with
the cells that differ — until one unit withdraws its upload or the office chooses one. The build is the real
one (`build_quarter`): the portal hands it both workbooks and it judges them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from yc_reports.pipeline.build import build_quarter
from yc_reports.portal.app import create_app
from yc_reports.portal.service import Portal
from yc_reports.portal.views import ActionState
from yc_reports.workbook.layout import SHEET_INDICATORS

from .conftest import PUBLIC, LiveServer
from .workbooks import Q3, cell_of, filled, with_value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BANK, FINANCE = "人行市中心支行", "市地方金融工作局"


@pytest.fixture
def colead_site(tmp_path: Path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock, builder=build_quarter)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    app = create_app(tmp_path / "data", portal=portal, public_url=PUBLIC, page_wait=120, unit_wait=120)
    with LiveServer(app) as url, httpx.Client(base_url=url, trust_env=False, timeout=120) as http:
        yield portal, http, portal.ensure_admin_token(), portal.accounts.issue_unit_token(BANK), \
            portal.accounts.issue_unit_token(FINANCE)


def _upload(http: httpx.Client, token: str, data: bytes) -> int:
    response = http.post(f"/u/{token}/actions/8/upload", files={"file": ("八.xlsx", data, XLSX)})
    assert response.status_code == 303, response.text[:300]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _section(page: str) -> str:
    return page.split('id="action-8"')[1].split("</section>")[0]


def test_co_leads_with_differing_uploads_are_pending_everywhere_until_one_withdraws_or_the_office_chooses(
        colead_site, registry):
    portal, http, admin, bank, finance = colead_site
    key = registry.action(8).indicators[0].key
    name = registry.action(8).indicators[0].name
    bank_book = filled(registry, 8, fill=with_value(registry, 8, key, 1, filler="钱一"))
    finance_book = filled(registry, 8, fill=with_value(registry, 8, key, 7, filler="孙二"))
    cell = cell_of(finance_book, SHEET_INDICATORS, name, "截至本季度末完成值")
    bank_id = _upload(http, bank, bank_book)
    finance_id = _upload(http, finance, finance_book)

    # the board: 数据待核实, both workbooks handed to the build, the differing cell named
    row = portal.boards.board().row(8)
    assert row.state is ActionState.CONFLICT and {u.id for u in row.standing} == {bank_id, finance_id}
    assert row.build.data_pending and len(row.build.files) == 2 and row.build_label == "数据待核实（收到多份）"
    board = http.get(f"/admin/{admin}").text
    assert '<span class="n">1</span><span class="k">牵头单位报送不一致</span>' in board
    assert "分别报送的材料内容不同：数据待核实" in board.split('id="board-action-8"')[1].split("</tr>")[0]

    # both units' pages: 数据待核实 and the cell, in words each can act on
    for token, mine, theirs, other in ((finance, "7", "1", BANK), (bank, "1", "7", FINANCE)):
        section = _section(http.get(f"/u/{token}").text)
        assert "<strong>数据待核实</strong>" in section and "两家材料的不同之处" in section
        assert f"「{SHEET_INDICATORS}」工作表 {cell} 单元格" in section
        assert f"本份为“{mine}”，“{other}报送的工作簿”为“{theirs}”" in section
        assert "请只保留一份后重新汇总" not in section             # the office's instruction is not the unit's
        assert section.count("收到多份内容不同") == 0                 # said once, in the unit's words, above
    office = http.get(f"/admin/{admin}/uploads/{bank_id}").text      # the office sees the cells too, and may choose
    assert "本份与另一家的不同之处" in office and f"「{SHEET_INDICATORS}」工作表 {cell} 单元格" in office
    assert "确定采用本份（人行市中心支行）" in office

    # the build: the action is 数据待核实, no figure of either is published
    record = portal.jobs.run_build()
    assert record.ok, record.message
    summary = json.loads((record.out_dir / "summary.json").read_text("utf-8"))
    eight = next(a for a in summary["actions"] if a["id"] == 8)
    assert eight["data_pending"] is True and len(eight["files"]) == 2

    # one unit withdraws its upload (asked first): the other's stands alone, everywhere
    asked = http.post(f"/u/{finance}/uploads/{finance_id}/withdraw")
    assert asked.status_code == 200 and "确认撤回" in asked.text
    assert portal.boards.board().row(8).state is ActionState.CONFLICT
    done = http.post(f"/u/{finance}/uploads/{finance_id}/withdraw", data={"confirm": "1"})
    assert done.status_code == 303
    row = portal.boards.board().row(8)
    assert row.state is ActionState.SUBMITTED and [u.id for u in row.standing] == [bank_id]
    assert row.build.clean and "<strong>数据待核实</strong>" not in _section(http.get(f"/u/{bank}").text)
    assert http.post(f"/u/{bank}/uploads/{finance_id}/withdraw", data={"confirm": "1"}).status_code == 404

    # it sends a differing one again; the office chooses the bank's (asked first), until a newer one comes
    again_id = _upload(http, finance, filled(registry, 8, fill=with_value(registry, 8, key, 9, filler="孙二")))
    assert portal.boards.board().row(8).state is ActionState.CONFLICT
    assert http.post(f"/admin/{admin}/uploads/{bank_id}/choose").status_code == 200
    chosen = http.post(f"/admin/{admin}/uploads/{bank_id}/choose", data={"confirm": "1"})
    assert chosen.status_code == 303
    row = portal.boards.board().row(8)
    assert row.state is ActionState.SUBMITTED and [u.id for u in row.standing] == [bank_id] and row.choice
    assert row.build.clean
    assert "经指挥部办公室确定采用本份" in _section(http.get(f"/u/{finance}").text)
    assert any(e.what == "确定采用的报送材料" and "不采用市地方金融工作局" in e.detail
               for e in portal.accounts.audit_log())
    newer = _upload(http, finance, filled(registry, 8, fill=with_value(registry, 8, key, 5, filler="孙二")))
    row = portal.boards.board().row(8)
    assert row.state is ActionState.CONFLICT and {u.id for u in row.standing} == {bank_id, newer}
    assert again_id not in {u.id for u in row.standing}
