"""Every claim the written outputs make, checked against the facts summary.json states — and those facts against
the rules (PRODUCT.md, second and third versions). Reads only written files: the .docx (python-docx), 汇总表.xlsx
(openpyxl), summary.json. `check(out)` returns the violated claims (empty when every claim holds) and counts the
claims.

Fields the first version did not write (current, data_complete, grey_reason, attention) are read with defaults,
so the same suite runs against the first version's outputs and names what they got wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl

from yc_reports.plan.registry import cn_numeral

GOOD = ("on_track", "ahead", "met")
LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "未报送"}
THRESHOLDS = (Decimal(10), Decimal(-10), Decimal(-30))
PLACEHOLDERS = ("无", "暂无", "/", "没有", "按计划推进")


@dataclass
class Verdict:
    claims: int = 0
    violations: list[str] = field(default_factory=list)

    def claim(self, holds: bool, what: str) -> None:
        self.claims += 1
        if not holds:
            self.violations.append(what)


def doc_text(path: Path) -> tuple[list[str], list[list[tuple[str, ...]]]]:
    document = docx.Document(path)
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    tables = [[tuple(c.text for c in row.cells) for row in t.rows] for t in document.tables]
    return paragraphs, tables


def table_with(tables, first: tuple[str, ...]):
    for t in tables:
        if t and t[0][:len(first)] == first:
            return t[1:]
    return None


def section(paragraphs: list[str], start: str, stop: str) -> list[str]:
    """Paragraphs after the heading that starts with `start`, up to the one that starts with `stop`."""
    out, inside = [], False
    for p in paragraphs:
        if p.startswith(start):
            inside = True
            continue
        if inside and p.startswith(stop):
            break
        if inside:
            out.append(p)
    return out


def named(text: str) -> set[int]:
    """Actions named as 第X项（…） in a text."""
    numbers = {cn_numeral(i): i for i in range(1, 11)}
    return {numbers[m] for m in re.findall(r"第([一二三四五六七八九十]+)项", text) if m in numbers}


def printed_gap(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def status_for(gap: Decimal) -> str:
    ahead, on_track, watch = THRESHOLDS
    return "ahead" if gap >= ahead else "on_track" if gap >= on_track else "watch" if gap >= watch else "lagging"


def current(ind: dict, quarter_year: int) -> bool:
    """A first-version file has no `current`: an indicator whose target year has passed is not current."""
    return ind.get("current", ind["target_year"] >= quarter_year)


def rated(ind: dict) -> bool:
    return ind["status"] is not None and ind["target"] is not None


def check(out: Path) -> Verdict:
    v = Verdict()
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    data["ledger"] = data["supervision"] if "supervision_list" in data else []
    if "supervision_list" in data:   # the 督办 ledger took the name "supervision"; this quarter's list moved
        data["supervision"] = data["supervision_list"]
    year, q = int(data["quarter"][:4]), int(data["quarter"][-1])
    actions = {a["id"]: a for a in data["actions"]}
    light = {a["id"]: a["light"] for a in data["actions"]}
    paragraphs, tables = doc_text(out / "summary.docx")
    _facts_follow_the_rules(v, data, actions, year, q)
    lead = next(p for p in paragraphs if p.startswith("根据"))
    supervised = table_with(tables, ("序号", "行动", "牵头单位", "督办事项")) or []
    _lead_paragraph(v, lead, light, supervised, actions, data)
    _supervision(v, supervised, data, actions, year)
    _attention(v, paragraphs, data, light)
    _commendations(v, paragraphs, data, actions, year)
    _overview(v, tables, data)
    _problems(v, paragraphs)
    texts = list(paragraphs) + [c for t in tables for row in t for c in row]
    body = paragraphs[:next((i for i, p in enumerate(paragraphs) if p.startswith("附件")), len(paragraphs))]
    _no_software_words(v, body, "通报")
    for path in sorted(out.glob("action*.docx")):
        ps, ts = doc_text(path)
        _no_software_words(v, ps, path.stem)
        texts += ps + [c for t in ts for row in t for c in row]
        _problems(v, section(ps, "五、存在的问题", "六、") + section(ps, "三、存在的问题", "四、"))
    _figures_in_sentences(v, texts, data, year)
    _workbook(v, out / "汇总表.xlsx", data)
    _third_version(v, out, data, paragraphs, tables, lead, year, q)
    return v


# ------------------------------------------------------------------------------------ the facts themselves


def _facts_follow_the_rules(v: Verdict, data, actions, year: int, q: int) -> None:
    counts = {k: sum(1 for a in data["actions"] if a["light"] == k) for k in LABELS}
    v.claim(counts == {k: data["counts"][k] for k in LABELS}, f"counts {data['counts']} ≠ lights {counts}")
    for a in data["actions"]:
        tag = f"第{cn_numeral(a['id'])}项"
        cur = [i for i in a["indicators"] if current(i, year)]
        v.claim(not (a["light"] == "green" and any(i["target"] is not None and i["status"] == "no_data" for i in cur)),
                f"{tag} green over missing figures")
        usable = [i for i in cur if rated(i) and i["status"] != "no_data"]
        red_matter = any(t["behind"] for t in a["tasks"]) or any(
            p["late_start"] or p.get("gap_status") == "lagging" for p in a["projects"])
        if a["submitted"] and any(rated(i) for i in cur) and not usable and not a.get("disputed"):   # 数据待核实: red
            # grey, unless a red matter is known: never dropped for a grey light (third version: by matter)
            v.claim(a["light"] == ("red" if red_matter else "grey"), f"{tag} has no usable figure but is {a['light']}")
        v.claim(("grey_reason" in a) == (a["light"] == "grey"), f"{tag} grey_reason and light disagree")
        v.claim("data_complete" in a, f"{tag} has no data_complete")
        red_facts = [i for i in cur if i["status"] in ("lagging", "not_met")] or [t for t in a["tasks"] if t["behind"]]
        if a["light"] in ("green", "yellow"):
            v.claim(not red_facts, f"{tag} is {a['light']} with a lagging indicator or a late task")
        for i in a["indicators"]:
            name = f"{tag}{i['name']}"
            if not current(i, year):
                v.claim(i["status"] in ("met", "not_met", "no_data") and i.get("current") is False,
                        f"{name}: expired target still judged as current ({i['status']})")
                continue
            if i["gap_points"] is None or i["status"] in ("met", "not_met", "no_data", None):
                continue
            ceiling_broken = i["direction"] == "ceiling" and q < 4 and i["actual"] > i["target"]
            expected = "lagging" if ceiling_broken else status_for(printed_gap(i["gap_points"]))
            v.claim(i["status"] == expected, f"{name}: gap printed {printed_gap(i['gap_points'])} but {i['status']}"
                    f" (expected {expected})")


# ------------------------------------------------------------------------------------ page 1 and the lists


def _red_segment(lead: str) -> str:
    for marker in ("列入督办的有：", "进度滞后的有："):
        if marker in lead:
            return lead.split(marker, 1)[1].split("。", 1)[0]
    return ""


def _yellow_segment(lead: str) -> str:
    return lead.split("提醒关注的有：", 1)[1].split("。", 1)[0] if "提醒关注的有：" in lead else ""


def _lead_paragraph(v: Verdict, lead: str, light, supervised, actions, data) -> None:
    m = re.search(r"亮绿灯(\d+)项、黄灯(\d+)项、红灯(\d+)项", lead)
    v.claim(bool(m), "the lead paragraph gives no light counts")
    if m:
        v.claim(tuple(map(int, m.groups())) == tuple(data["counts"][k] for k in ("green", "yellow", "red")),
                f"lead counts {m.groups()} ≠ summary.json {data['counts']}")
    red = named(_red_segment(lead))
    v.claim(red == {i for i, c in light.items() if c == "red"},
            f"page 1 names {sorted(red)} as behind; red actions are {sorted(i for i, c in light.items() if c == 'red')}")
    in_table = named(" ".join(r[1] for r in supervised))
    attention = {s["action_id"] for s in data.get("attention", [])}
    v.claim(red <= in_table, f"page 1 names {sorted(red - in_table)} as behind; the 督办 table does not")
    yellow = named(_yellow_segment(lead))
    v.claim(yellow == {i for i, c in light.items() if c == "yellow"}, f"page 1 关注 {sorted(yellow)} ≠ yellow actions")
    # every figure on page 1 is one the tables or lists name, for an indicator of the action it stands under
    for segment, where in ((_red_segment(lead), in_table), (_yellow_segment(lead), attention)):
        for part in re.split(r"；", segment):
            owners = named(part)
            for name, word, points in re.findall(r"([^，；（）]+?)(高于|低于)时序进度([\d.]+)个百分点", part):
                owner = next(iter(owners), None)
                v.claim(owner in where, f"page 1 figure for {name} of 第{owner}项 not in the tables")
                ind = next((i for i in actions.get(owner, {"indicators": []})["indicators"]
                            if name.endswith(i["name"])), None)
                v.claim(ind is not None and ind["gap_points"] is not None
                        and printed_gap(abs(ind["gap_points"])) == Decimal(points),
                        f"page 1: {name}{word}时序进度{points} ≠ summary.json")


def _supervision(v: Verdict, rows, data, actions, year: int) -> None:
    rows_json = data["supervision"]
    v.claim(len(rows) == len(rows_json), f"督办 table {len(rows)} rows ≠ summary.json {len(rows_json)}")
    for row, s in zip(rows, rows_json, strict=False):
        v.claim((row[1], row[3], row[4]) == (f"第{cn_numeral(s['action_id'])}项", s["item"], s["reason"]),
                f"督办 row {row[0]} ≠ summary.json")
    for s in rows_json:
        a = actions[s["action_id"]]
        v.claim(a["light"] in ("red", "grey"), f"第{cn_numeral(a['id'])}项 is {a['light']} and yet a 督办 item")
        stale = [i["name"] for i in a["indicators"] if not current(i, year) and s["item"] == i["name"]]
        v.claim(not stale, f"督办 item on an expired target: {stale}")
    for a in data["actions"]:
        if a["light"] in ("red", "grey"):
            mine = [s["reason"] for s in rows_json + data.get("attention", []) if s["action_id"] == a["id"]]
            carried = _open_items(data, a["id"])
            v.claim(len(mine) + len(carried) >= len(a["light_reasons"])
                    and all(any(m in r for r in a["light_reasons"]) for m in mine),
                    f"第{cn_numeral(a['id'])}项: 督办 and 关注 do not list every reason of its light")
        if a["light"] == "red":
            v.claim(any(s["action_id"] == a["id"] for s in rows_json), f"第{cn_numeral(a['id'])}项 red but not 督办")


def _attention(v: Verdict, paragraphs, data, light) -> None:
    yellow = {i for i, c in light.items() if c == "yellow"}
    items = data.get("attention")
    v.claim(items is not None, "summary.json has no 关注 list")
    if items is None:
        return
    red = {i for i, c in light.items() if c == "red"}
    listed = {s["action_id"] for s in items}
    v.claim(listed <= yellow | red, "关注 list names a green or grey action")
    # a yellow action is on the 关注 list, unless each of its matters is an open 督办 item already (checked below)
    v.claim(all(a in listed or _open_items(data, a) for a in yellow), "a yellow action is on neither list")
    text = next((p for p in paragraphs if "需提醒关注" in p), "")
    for s in items:
        v.claim(s["reason"] in text, f"关注 item {s['reason']} is not in the 通报")
    for a in data["actions"]:
        if a["light"] == "yellow":
            # every reason of its light is on the 关注 list, or (one matter, one item) an open 督办 item already
            mine = [s["reason"] for s in items if s["action_id"] == a["id"]]
            listed = [r for r in a["light_reasons"] if any(m in r for m in mine)]
            rest = [r for r in a["light_reasons"] if r not in listed]
            carried = _open_items(data, a["id"])
            v.claim(all(any(r.startswith(item) or item in r for item in carried) for r in rest),
                    f"第{cn_numeral(a['id'])}项: 关注 does not list every reason of its light")


def _commendations(v: Verdict, paragraphs, data, actions, year: int) -> None:
    praise = section(paragraphs, "二、", "三、")
    text = "".join(praise)
    named_here = named(text)
    listed = {c["action_id"] for c in data["commendations"]}
    v.claim(named_here == listed, f"表扬 section names {sorted(named_here)}, summary.json {sorted(listed)}")
    for c in data["commendations"]:
        a = actions[c["action_id"]]
        tag = f"第{cn_numeral(a['id'])}项"
        cur = [i for i in a["indicators"] if current(i, year) and rated(i)]
        v.claim(a["light"] == "green", f"{tag} praised but {a['light']}")
        v.claim(a.get("data_complete", not a["data_pending"]) and not a["data_pending"], f"{tag} praised with incomplete data")
        v.claim(not any(t["behind"] for t in a["tasks"]), f"{tag} praised with a late task")
        if cur:
            v.claim(all(i["status"] in GOOD for i in cur) and any(i["status"] in ("ahead", "met") for i in cur),
                    f"{tag} praised without every current indicator on track and one ahead or met")
        else:
            v.claim(any(t.get("done_this_quarter") for t in a["tasks"]), f"{tag} praised with nothing achieved")
        for old in range(2022, year):
            v.claim(f"{old}年目标" not in c["reason"], f"{tag} praised on an expired {old} target")
        if "各项指标均达到或超过时序进度" in text:
            v.claim(all(i["status"] == "met" or (i["gap_points"] or 0) >= 0 for i in cur),
                    f"'各项指标均达到或超过时序进度' is false for {tag}")


def _overview(v: Verdict, tables, data) -> None:
    rows = table_with(tables, ("序号", "行动", "牵头单位", "亮灯", "主要情况")) or []
    v.claim(len(rows) == len(data["actions"]), "overview table misses actions")
    for row, a in zip(rows, data["actions"], strict=False):
        v.claim(row[3] == a.get("light_label", LABELS[a["light"]]),
                f"overview light {row[3]} ≠ {a['light']}")
        v.claim(row[4] == "；".join(a["light_reasons"]), f"overview reasons of {a['id']} ≠ summary.json")
        # group claims hold for every member
        m = re.search(r"纳入评价的(\d+)项指标均(已完成目标或进度正常、超前|已完成目标|进度正常或超前)", row[4])
        if m:
            cur = [i for i in a["indicators"] if current(i, int(data["quarter"][:4])) and rated(i)]
            met = sum(1 for i in cur if i["status"] == "met")
            holds = {"已完成目标": met == len(cur), "进度正常或超前": met == 0,
                     "已完成目标或进度正常、超前": 0 < met < len(cur)}[m.group(2)]
            v.claim(int(m.group(1)) == len(cur) and all(i["status"] in GOOD for i in cur) and holds,
                    f"第{a['id']}项: '{m.group(0)}' does not hold")
        if "各项指标和重点任务均按时序进度推进" in row[4]:
            v.claim(all(i["status"] == "met" or (i["gap_points"] is not None and i["gap_points"] >= 0)
                        for i in a["indicators"] if i["status"] not in ("no_data", None)),
                    f"第{a['id']}项: '各项指标和重点任务均按时序进度推进' is false")


def _problems(v: Verdict, paragraphs) -> None:
    """No clerk's filler is published as a problem ("…任务推进中，无；")."""
    if any(p.startswith("四、各单位反映的主要问题") for p in paragraphs):
        paragraphs = section(paragraphs, "四、各单位反映的主要问题", "五、")
    text = "".join(paragraphs)
    for filler in PLACEHOLDERS:
        for form in (f"，{filler}；", f"，{filler}。", f"：{filler}。"):
            v.claim(form not in text, f"a clerk's placeholder '{filler}' published as a problem")


SOFTWARE_WORDS = ("工作簿", "单元格", "模板", ".xlsx", "指标进展表", "重大项目表")


def _no_software_words(v: Verdict, paragraphs, where: str) -> None:
    for word in SOFTWARE_WORDS:
        v.claim(not any(word in p for p in paragraphs), f"{where}: software word '{word}' before the leadership")


def _figures_in_sentences(v: Verdict, texts, data, year: int) -> None:
    """Every 距目标尚差 figure is target − actual of the indicator it names."""
    indicators = [i for a in data["actions"] for i in a["indicators"]]
    for text in texts:
        for sentence in re.split(r"[。；\n]", text):
            for match in re.finditer(r"距目标值?尚差([\d.]+)个百分点", sentence):
                before = sentence[:match.start()]
                known = [(before.rfind(i["name"]), i) for i in indicators if i["name"] in before
                         and i["actual"] is not None and i["target"] is not None]
                if not known:
                    continue
                owner = max(known, key=lambda pair: pair[0])[1]   # the indicator named last before the figure
                distance = (Decimal(str(owner["target"])) - Decimal(str(owner["actual"]))).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP)
                v.claim(Decimal(match.group(1)) == distance,
                        f"{owner['name']}: 距目标尚差{match.group(1)}个百分点, target − actual = {distance}")


def _workbook(v: Verdict, path: Path, data) -> None:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        sheet = wb[wb.sheetnames[0]]
        rows = [r for r in sheet.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
        body = [r for r in rows[header + 1:] if r and r[0] is not None][:len(data["actions"])]
        for row, a in zip(body, data["actions"], strict=False):
            v.claim(row[4] == a["light_label"], f"汇总表 light of {a['id']} ≠ summary.json")
            v.claim(row[-1] == "；".join(a["light_reasons"]), f"汇总表 reasons of {a['id']} ≠ summary.json")
        sup = wb["督办清单"] if "督办清单" in wb.sheetnames else wb[next(n for n in wb.sheetnames if "督办" in n)]
        srows = [r for r in sup.iter_rows(values_only=True)]
        sh = next(i for i, r in enumerate(srows) if r and r[0] == "序号")
        sbody = [r for r in srows[sh + 1:] if r and r[0] is not None]
        v.claim([(r[1], r[4], r[5]) for r in sbody] == [(s["action_id"], s["item"], s["reason"])
                                                        for s in data["supervision"]], "汇总表 督办 ≠ summary.json")
    finally:
        wb.close()


def _open_items(data, action_id: int) -> list[str]:
    """The matters (item names) of the action's 督办 items still open on the ledger."""
    return [i["item"] for i in data.get("ledger", []) if i["action"] == action_id and i["state"] != "closed"]


# ------------------------------------------------------------------------------------ third version


RETURNED_WORDS = ("有误", "退回")
JUDGED_WORDS = ("时序进度", "已完成", "未完成", "超过", "控制在", "距目标")   # words of a judgement on a figure


def _third_version(v: Verdict, out: Path, data, paragraphs, tables, lead: str, year: int, q: int) -> None:
    """PRODUCT "Third version": what the data say and no more, targets and time, 督办 by item, lists and claims."""
    actions = {a["id"]: a for a in data["actions"]}
    texts = list(paragraphs) + [c for t in tables for row in t for c in row]
    reports = {int(p.stem.removeprefix("action")): doc_text(p) for p in sorted(out.glob("action*.docx"))}
    for ps, ts in reports.values():
        texts += ps + [c for t in ts for row in t for c in row]
    # nothing was returned by the office: no document says 有误 / 退回 (the build has no such fact)
    for word in RETURNED_WORDS:
        v.claim(not any(word in t for t in texts), f"a document says '{word}' though nothing was returned")
    v.claim(not any("由基期" in t for t in texts), "a base printed without its year (由基期…): it may be a stage target")
    ledger_open = {(i["action"], i["item"]) for i in data.get("ledger", []) if i["state"] != "closed"}
    listed = {(s["action_id"], s["item"]) for s in data["supervision"]}
    for s in data.get("attention", []):
        v.claim((s["action_id"], s["item"]) not in listed, f"关注 item {s['item']} is also a 督办 item this quarter")
        v.claim((s["action_id"], s["item"]) not in ledger_open or s["kind"] not in ("indicator", "project"),
                f"关注 item {s['item']} is an open 督办 item already")
    for a in data["actions"]:
        tag = f"第{cn_numeral(a['id'])}项"
        _figures_and_time(v, tag, a, year, q)
        _by_item(v, tag, a, data, listed)
        _missing_counted_once(v, tag, a, lead)
        _pace_said(v, tag, a, texts, reports[a["id"]][0] if a["id"] in reports else [])
        if a.get("disputed") and a["id"] in reports:
            ps, _ = reports[a["id"]]
            body = "".join(ps)
            v.claim("数据待核实" in body, f"{tag}: two differing copies and the report does not say 数据待核实")
            for said in ("下一步工作计划", "存在的问题", "未反映突出问题", "牵头单位报告", "牵头单位说明"):
                v.claim(said not in body, f"{tag}: 数据待核实, yet its report states '{said}'")
            v.claim(all(d["subject"] in body for d in a["differences"]), f"{tag}: a difference is not named")
        if a.get("disputed"):
            n = len(a["differences"])
            v.claim(any(f"{n}处不一致" in t for t in texts) or n == 0, f"{tag}: differing entries not counted once")
    _praise(v, data, actions, paragraphs)


def _figures_and_time(v: Verdict, tag: str, a, year: int, q: int) -> None:
    for i in a["indicators"]:
        name = f"{tag}{i['name']}"
        if i["status"] == "no_data" and i.get("current", True) and a["submitted"]:
            v.claim(i["figure"] in ("blank", "invalid", "duplicate", "unreadable"), f"{name}: no_data but {i['figure']}")
        if i["figure"] == "blank":
            v.claim(i["actual"] is None and i.get("entered", "") == "", f"{name}: blank but a figure or an entry")
        if i["figure"] == "invalid":
            v.claim(bool(i.get("entered")), f"{name}: unusable entry not kept to be quoted")
        if not i.get("current", True):
            v.claim(i["judged_on"] in (None, f"{i['target_year']}Q4"),
                    f"{name}: stage result judged on {i['judged_on']}, not on {i['target_year']}Q4")
            v.claim((i["judged_on"] is None) == (i["figure"] == "no_year_figure"), f"{name}: 无当年数据 inconsistent")
            continue
        if i["kind"] == "flow" and i["target_year"] != year and i["target"] is not None:
            v.claim(i["status"] is None and i.get("unrated") == "no_annual_target",
                    f"{name}: a {i['target_year']} annual flow target judged in {year}")
        if (i["kind"] == "level" and i["baseline"] is None and i["target"] is not None
                and (year, q) < (i["target_year"], 4)):
            v.claim(i["status"] is None and i.get("unrated") == "no_base",
                    f"{name}: a level without a base judged before its target year's Q4 ({i['status']})")
        if i["status"] is None:
            v.claim(i["time_progress"] is None and i["gap_points"] is None, f"{name}: no status but a time progress")


def _by_item(v: Verdict, tag: str, a, data, listed) -> None:
    """Every red matter is a 督办 item whatever the light; no 督办 item names an indicator not judged now."""
    for i in a["indicators"]:
        if i.get("current", True) and i["status"] in ("lagging", "not_met"):
            v.claim((a["id"], i["name"]) in listed, f"{tag}{i['name']} is {i['status']} but no 督办 item")
        if i.get("unrated") in ("no_annual_target", "no_base") or not i.get("current", True):
            v.claim((a["id"], i["name"]) not in listed, f"{tag}{i['name']} is not judged now, yet a 督办 item")
            v.claim(not any(r.startswith(i["name"]) and any(w in r for w in JUDGED_WORDS) for r in a["light_reasons"]),
                    f"{tag}{i['name']} is not judged now, yet a reason of the light")
    for t in a["tasks"]:
        if t["behind"] and a["light"] != "grey":
            v.claim((a["id"], t["content"]) in listed, f"{tag} task {t['content'][:12]} behind but no 督办 item")
    for p in a["projects"]:
        red = p["late_start"] or p.get("gap_status") == "lagging"
        if a["light"] != "grey":
            v.claim(red == ((a["id"], p["name"]) in listed), f"{tag} project {p['name']}: red {red} vs 督办")
        if red:
            v.claim(a["light"] == "red", f"{tag}: a red project, yet {a['light']}")


def _missing_counted_once(v: Verdict, tag: str, a, lead: str) -> None:
    """One omission is counted once on page 1."""
    for i in a["indicators"]:
        if i["figure"] in ("blank", "invalid") and i.get("current", True):
            v.claim(lead.count(i["name"]) <= 1, f"{tag}{i['name']}: one omission named {lead.count(i['name'])}× on page 1")


def _pace_said(v: Verdict, tag: str, a, texts, own: list[str]) -> None:
    """On time progress but not on pace: both said in one sentence; no 均 claim leaves it out."""
    risky = [i for i in a["indicators"] if i.get("pace_risk")]
    for i in risky:
        v.claim(any(i["name"] in t and ("难度较大" in t or "将超过控制目标" in t) for t in texts),
                f"{tag}{i['name']}: pace risk never said")
    if risky:
        for r in a["light_reasons"]:
            v.claim("均进度正常或超前" not in r and "均已完成目标" not in r,
                    f"{tag}: '{r}' claims 均正常 with a target at risk")
        for t in own:
            v.claim("均进度正常" not in t and "均进度超前" not in t, f"{tag}: '{t[:40]}…' claims 均正常 with a risk")


def _praise(v: Verdict, data, actions, paragraphs) -> None:
    praise = "".join(section(paragraphs, "二、", "三、"))
    for c in data["commendations"]:
        a = actions[c["action_id"]]
        tag = f"第{cn_numeral(a['id'])}项"
        v.claim(not any(i["status"] in ("lagging", "not_met") for i in a["indicators"]),
                f"{tag} praised while its report shows a red figure")
        v.claim(not any(i.get("pace_risk") for i in a["indicators"]), f"{tag} praised with a target at risk")
        v.claim("逾期完成" not in c["reason"], f"{tag} praised on a task completed late")
        for t in a["tasks"]:
            if t.get("completed_late"):
                v.claim(t["content"] not in c["reason"], f"{tag} praised on the late task {t['content'][:12]}")
    lead = next((p for p in section(paragraphs, "二、", "三、") if "拟提请市政府通报表扬" in p), "")
    for claim in ("纳入评价的指标进度均正常或超前", "均进度正常或超前", "重点任务无滞后"):
        if claim in lead:
            for c in data["commendations"]:
                a = actions[c["action_id"]]
                rated = [i for i in a["indicators"] if i.get("current", True) and i["status"] is not None]
                v.claim(bool(rated) and all(i["status"] in ("on_track", "ahead") for i in rated),
                        f"lead claims '{claim}', false for 第{cn_numeral(a['id'])}项")
    v.claim(not data["commendations"] or "拟提请市政府通报表扬" in praise, "表扬 without its lead sentence")
