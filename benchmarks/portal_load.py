"""A bounded load test of the portal on loopback: page latency while units upload at once.

A real `yc-reports serve` process (its process pool for checks, as in production) on 127.0.0.1 only.
Ten units each upload their action's workbook 20 times, one after another, all ten at once; meanwhile
two 30,000-row workbooks (the action-3 template with 30,000 rows of figures pasted beside its table:
accepted, with a warning that they are not read) are uploaded, and a prober reads a unit's page, the
office's board and a template download every 0.1 s and records how long each took. Everything is
bounded: a fixed number of uploads, a per-request timeout and an overall deadline; the server is
stopped at the end (or on error).

Usage: PYTHONPATH=. python benchmarks/portal_load.py [--uploads 20] [--deadline 420] [--no-junk]
Prints the figures and writes them to benchmarks/portal_load.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from openpyxl import load_workbook

from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.workbook.fill import TaskUpdate, UnitFill, fill_workbook
from yc_reports.workbook.layout import SHEET_INDICATORS
from yc_reports.workbook.writer import build_template

Q3 = Quarter(2025, 3)
HERE = Path(__file__).parent
JUNK_CACHE = Path(tempfile.gettempdir()) / "yc-portal-30000-rows-{}.xlsx"
JUNK_ROWS = 30_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(registry, action_id: int, filler: str) -> bytes:
    action = registry.action(action_id)
    wb = build_template(registry, action, Q3, None)
    fill_workbook(wb, UnitFill(filler=filler, phone="0717-6000000", fill_date=dt.date(2025, 10, 8),
                               values={i.key: 1 for i in action.indicators},
                               tasks={t.key: TaskUpdate("正常推进", "按计划推进") for t in action.tasks}))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def junk_workbooks(registry) -> tuple[bytes, bytes]:
    """Two different workbooks whose 指标进展 carries 30,000 rows of eight figures beside the template's table
    (cached in /tmp: they take a while to make). Different bytes, so the second is really checked, not found
    in the cache."""
    paths = [Path(str(JUNK_CACHE).format(n)) for n in (1, 2)]
    if not all(p.is_file() for p in paths):
        wb = load_workbook(io.BytesIO(workbook(registry, 3, "三万行")))
        ws = wb[SHEET_INDICATORS]
        for row in range(40, 40 + JUNK_ROWS):
            for column in range(20, 28):
                ws.cell(row=row, column=column, value=row * column % 97)
        for n, path in enumerate(paths, start=1):
            ws.cell(row=40 + JUNK_ROWS - 1, column=27, value=f"第{n}份")
            buffer = io.BytesIO()
            wb.save(buffer)
            path.write_bytes(buffer.getvalue())
    return paths[0].read_bytes(), paths[1].read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))] if ordered else float("nan")


def summary(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50_ms": round(percentile(values, 0.5) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1), "max_ms": round(max(values) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=20, help="uploads per unit")
    parser.add_argument("--deadline", type=float, default=420, help="seconds before everything stops")
    parser.add_argument("--no-junk", action="store_true")
    parser.add_argument("--probe-every", type=float, default=0.1, help="seconds between page reads")
    args = parser.parse_args()
    registry = load_registry()
    # ten senders, one per action: (unit, action); co-led actions alternate their lead units
    senders = [(a.lead_units[a.id % len(a.lead_units)], a.id) for a in registry.actions]
    made = time.perf_counter()
    payloads = {sender: workbook(registry, sender[1], sender[0]) for sender in senders}
    junk = None if args.no_junk else junk_workbooks(registry)
    made = time.perf_counter() - made

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    data = Path(tempfile.mkdtemp(prefix="yc-portal-load-"))
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    server = subprocess.Popen([sys.executable, "-m", "yc_reports.cli", "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--data", str(data), "--public-url", origin],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                              env=env, start_new_session=True)
    results: dict[str, object] = {}
    try:
        admin = [server.stdout.readline().strip() for _ in range(3)][1].split("：", 1)[1]
        with httpx.Client(timeout=120, trust_env=False) as http:
            for _ in range(400):
                try:
                    http.get(admin)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            http.post(f"{admin}/settings", data={"quarter": "2025Q3", "deadline": "2025-10-10", "open": "1"})
            sheet = http.get(origin + http.post(f"{admin}/units/links", data={"do": "issue-missing"})
                             .headers["location"]).text
        names = [part.split("</strong>")[0] for part in sheet.split("<strong>")[1:]]
        tokens = dict(zip(names, (part.split('"')[0] for part in sheet.split(f'value="{origin}/u/')[1:]), strict=False))
        results = run_load(origin, admin, tokens, senders, payloads, junk, args)
        results["workbooks_made_s"] = round(made, 1)
        results["junk_bytes"] = [len(j) for j in junk] if junk else []
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(30)
        server.stdout.close()
    results["load_average_after"] = os.getloadavg()
    text = json.dumps(results, ensure_ascii=False, indent=1)
    print(text)
    (HERE / "portal_load.json").write_text(text + "\n", "utf-8")
    return 0


def run_load(origin, admin, tokens, senders, payloads, junk, args) -> dict[str, object]:
    stop = threading.Event()
    deadline = time.monotonic() + args.deadline
    lock = threading.Lock()
    uploads: list[float] = []
    junk_times: list[dict[str, object]] = []
    statuses: dict[str, int] = {}
    page_statuses: dict[str, int] = {}
    pages: dict[str, list[float]] = {"unit_page": [], "board": [], "template": []}
    idle: dict[str, list[float]] = {"unit_page": [], "board": [], "template": []}
    others = [t for unit, t in tokens.items() if unit != "市经信局"]     # not the unit sending the large files
    some_unit = others[0]
    template = f"{origin}/u/{tokens['市科技局']}/actions/4/template"

    def probe(into: dict[str, list[float]], rounds: int | None = None) -> None:
        with httpx.Client(timeout=60, trust_env=False) as client:
            done = 0
            while not stop.is_set() and time.monotonic() < deadline and (rounds is None or done < rounds):
                for name, url in (("unit_page", f"{origin}/u/{some_unit}"), ("board", admin), ("template", template)):
                    began = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - began
                    with lock:
                        page_statuses[f"{name} {response.status_code}"] = page_statuses.get(
                            f"{name} {response.status_code}", 0) + 1
                    if response.status_code == 200:
                        into[name].append(elapsed)
                done += 1
                time.sleep(args.probe_every)

    def post(client: httpx.Client, unit: str, action_id: int, data: bytes, name: str) -> tuple[float, int]:
        began = time.perf_counter()
        response = client.post(f"{origin}/u/{tokens[unit]}/actions/{action_id}/upload",
                               files={"file": (name, data, XLSX)})
        return time.perf_counter() - began, response.status_code

    def unit_worker(sender: tuple[str, int]) -> None:
        unit, action_id = sender
        with httpx.Client(timeout=120, trust_env=False) as client:
            for n in range(args.uploads):
                if time.monotonic() >= deadline:
                    return
                elapsed, status = post(client, unit, action_id, payloads[sender], f"{unit}-{n}.xlsx")
                with lock:
                    uploads.append(elapsed)
                    statuses[str(status)] = statuses.get(str(status), 0) + 1

    def junk_worker(n: int) -> None:
        with httpx.Client(timeout=300, trust_env=False) as client:
            elapsed, status = post(client, "市经信局", 3, junk[n - 1], f"垃圾单元格-{n}.xlsx")
            with lock:
                junk_times.append({"seconds": round(elapsed, 2), "status": status})

    probe(idle, rounds=12)                      # the quiet baseline
    quiet: list[float] = []
    with httpx.Client(timeout=120, trust_env=False) as client:
        for n in range(5):                      # one ordinary upload at a time: the check's own time
            elapsed, _ = post(client, senders[n][0], senders[n][1], payloads[senders[n]], f"quiet-{n}.xlsx")
            quiet.append(elapsed)
    prober = threading.Thread(target=probe, args=(pages,), daemon=True)
    workers = [threading.Thread(target=unit_worker, args=(sender,), daemon=True) for sender in senders]
    if junk is not None:
        workers += [threading.Thread(target=junk_worker, args=(n,), daemon=True) for n in (1, 2)]
    began = time.perf_counter()
    prober.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    wall = time.perf_counter() - began
    stop.set()
    prober.join(60)
    return {
        "machine": f"{os.cpu_count()} cores (shared), loopback only",
        "senders": len(senders), "uploads_per_sender": args.uploads, "wall_s": round(wall, 1),
        "timed_out": time.monotonic() >= deadline,
        "quiet_upload_round_trip": summary(quiet),
        "upload_statuses": statuses, "upload_round_trip": summary(uploads), "page_statuses": page_statuses,
        "junk_uploads": junk_times,
        "idle_pages": {k: summary(v) for k, v in idle.items()},
        "pages_during_load": {k: summary(v) for k, v in pages.items()},
        "slowest_small_upload_ms": round(max(uploads) * 1000, 1) if uploads else None,
        "slowest_page_during_load_ms": round(max(pages["unit_page"] + pages["board"]) * 1000, 1)
        if pages["unit_page"] or pages["board"] else None,
        # the first download after opening the quarter may wait for its templates to be made; then they are kept
        "first_template_download_ms": round(idle["template"][0] * 1000, 1) if idle["template"] else None,
        "slowest_later_template_download_ms": round(max(pages["template"] + idle["template"][1:]) * 1000, 1)
        if pages["template"] or idle["template"][1:] else None,
    }


if __name__ == "__main__":
    sys.exit(main())
