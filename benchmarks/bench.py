"""`make bench`: whole-process timings of yc-reports against the floor, medians over several runs.

Every figure is one fresh process started as a user starts it (`.venv/bin/yc-reports ...`), timed from
start to exit, in a temporary folder:

- build of the demo quarter (parse cache warm, as when the office re-runs the build), the same in one
  process (YC_REPORTS_WORKERS=1), and with the parse cache emptied before each run;
- the floor (benchmarks/floor.py): the same charts by bare matplotlib and the same documents by
  python-docx, in one process, nothing else; and the ratio build / floor;
- build of 2025Q3 with 20 earlier quarters in inputs/ against one with a single earlier quarter;
- `check` of one workbook against a bare `openpyxl.load_workbook` of the same file (ratio ≤ 0.6), `check` of
  the "junk cells" workbook (rows 40–340 each with 4,000 cells outside the template: ≤ 3 s), and
  `yc-reports --help`.

Peak memory comes from one further run of each case (sampling /proc costs CPU, so timed runs are not
sampled): the largest sum of the proportional set sizes (PSS: private pages, plus shared pages divided
among the processes sharing them) of the process and its helper process, sampled every 10 ms; the sum
of their resident set sizes (which counts shared pages again in every process) is shown beside it.

Every case runs once untimed first. Python's compiled bytecode and the per-user cache (the validated
plan, compiled wording templates) are kept as on a user's machine (see `child_environment`), the
sub-second cases run four times a round, and the table records the load average before and after.

Usage: python benchmarks/bench.py [--runs N] [--quick] [--keep] [--profile]
Writes the table to stdout and to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))   # factory.add_junk_cells: the same junk as the tests'

import history_inputs  # noqa: E402  (a sibling script module)

QUARTER = "2025Q3"
PYTHON = Path(sys.executable)
CLI = PYTHON.parent / "yc-reports"
RESULTS = HERE / "results.md"
PROFILE = HERE / "profile_build.txt"
SAMPLE_EVERY = 0.01
FAST_REPEAT = 4   # the sub-second cases run 4 times a round: a median of 20 at the default 5 rounds
PYCACHE = Path(tempfile.gettempdir()) / "yc-bench-pycache"   # kept between runs, like a user's __pycache__
USER_CACHE = Path(tempfile.gettempdir()) / "yc-bench-user-cache"   # the validated plan, compiled templates

TARGETS = {
    "ratio_floor": 1.0,
    "ratio_history": 1.2,
    "memory_mb": 300,
    "check_s": 0.3,
    "help_s": 0.3,
    "ratio_check": 0.6,
    "check_junk_s": 3.0,
}


# ------------------------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    argv: tuple[str, ...]
    cwd: Path
    before: tuple[Path, ...] = ()      # folders removed before every run (an emptied cache)
    env: dict[str, str] = field(default_factory=dict)
    exit_codes: tuple[int, ...] = (0,)  # a build that fails is quick, and must not pass for a fast one
    repeat: int = 1                     # runs per round: a sub-second case is timed more often (less noise)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float       # PSS
    peak_rss_mb: float


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of `pid` and all its descendants, in kB ((0, 0) once gone). PSS counts each shared
    page (libraries, the interpreter) once across the processes; RSS counts it in every process."""
    pss = rss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
            rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, AttributeError, ValueError):
            continue
    return pss, rss


def run_once(case: Case, *, sample_memory: bool) -> Run:
    """One run of `case`: its wall time, or (sample_memory) its peak memory. Never both at once: on
    two cores, reading /proc every 10 ms takes CPU from a build that uses both."""
    for folder in case.before:
        shutil.rmtree(folder, ignore_errors=True)
    env = {**child_environment(), **case.env}
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(case.argv, cwd=case.cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_EVERY):
                pss, rss = tree_memory_kb(proc.pid)
                peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)

        sampler = threading.Thread(target=sample, daemon=True)
        if sample_memory:
            sampler.start()
        _, status, _ = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        if sample_memory:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in case.exit_codes:
            stderr.seek(0)
            raise SystemExit(f"{case.label}: exit code {proc.returncode}\n{stderr.read().decode(errors='replace')}")
    # (not ru_maxrss: a child forked from this process counts this process's memory until its exec)
    return Run(seconds, peak[0] / 1024, peak[1] / 1024)


def child_environment() -> dict[str, str]:
    """The environment of every measured process: as on a user's machine, Python keeps compiled
    bytecode (here in the system's temporary folder, not in the source tree), even where the shell
    sets PYTHONDONTWRITEBYTECODE, which would make every run compile the package anew (~40 ms a
    process, main and helper alike)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["YC_REPORTS_CACHE_DIR"] = str(USER_CACHE)   # filled by the untimed first run, as by a user's first
    env["COLUMNS"] = "120"
    return env


def measure(cases: list[Case], runs: int) -> dict[str, list[Run]]:
    """Round-robin over the cases, so slow drift of the machine's load hits them all alike; wall times
    from `runs` plain runs after one untimed run of each (which fills the bytecode cache), peak memory
    from one more run per case with sampling."""
    for case in cases:
        run_once(case, sample_memory=False)
    timed: dict[str, list[float]] = {c.key: [] for c in cases}
    for _ in range(runs):
        for case in cases:
            for _ in range(case.repeat):
                timed[case.key].append(run_once(case, sample_memory=False).seconds)
    results: dict[str, list[Run]] = {}
    for case in cases:
        memory = run_once(case, sample_memory=True)
        results[case.key] = [Run(seconds, memory.peak_mb, memory.peak_rss_mb) for seconds in timed[case.key]]
    return results


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.peak_mb for r in runs),
               statistics.median(r.peak_rss_mb for r in runs))


# ------------------------------------------------------------------------------------ the floor's spec


def floor_spec(out_dir: Path) -> dict:
    """The pictures and body (paragraphs, tables, pictures, in order) of every .docx a build wrote."""
    import docx
    from docx.oxml.ns import qn

    charts: list[dict] = []
    documents = []
    for path in sorted(out_dir.rglob("*.docx")):
        document = docx.Document(str(path))
        body = []
        for element in document.element.body.iterchildren():
            if element.tag == qn("w:p"):
                blips = element.findall(".//" + qn("a:blip"))
                for blip in blips:
                    png = document.part.related_parts[blip.get(qn("r:embed"))].blob
                    doc_pr = element.find(".//" + qn("wp:docPr"))
                    charts.append(chart_spec(png, doc_pr.get("descr", "") if doc_pr is not None else ""))
                    body.append(["i", len(charts) - 1])
                if not blips:
                    body.append(["p", "".join(t.text or "" for t in element.iter(qn("w:t")))])
            elif element.tag == qn("w:tbl"):
                rows = [["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
                        for tr in element.findall(qn("w:tr"))]
                if rows:
                    body.append(["t", rows])
        documents.append({"name": path.name, "body": body})
    return {"charts": charts, "documents": documents}


def chart_spec(png: bytes, alt: str) -> dict:
    width, height = struct.unpack(">II", png[16:24])
    dpi = round(width / (156 / 25.4))
    head, _, rest = alt.partition("。")
    items = [i for i in re.split("；", rest) if i.strip("。 ")]
    if len(items) <= 2:
        items = [i for i in re.split("[；，]", rest or head) if i.strip("。 ")]
    labels = [i.strip("。 ")[:10] for i in items] or ["—"]
    return {"width_px": width, "height_px": height, "dpi": dpi, "title": head[:30] or "图", "labels": labels}


# ------------------------------------------------------------------------------------ set-up


@dataclass(frozen=True)
class Setup:
    root: Path
    demo: Path
    history20: Path
    history1: Path
    spec: Path
    workbook: Path
    junk: Path
    counts: str


def set_up(root: Path) -> Setup:
    from yc_reports.pipeline.demo import create_demo_inputs

    demo = root / "demo"
    create_demo_inputs(demo)
    history20, history1 = root / "history20", root / "history1"
    history_inputs.create_history_inputs(history20, 20)
    history_inputs.copy_recent(history20 / "inputs", history1, 1)
    for folder in (demo, history20, history1):   # fills each parse cache, as earlier builds would have
        build = subprocess.run([str(CLI), "build", QUARTER], cwd=folder, capture_output=True, text=True,
                               env=child_environment())
        if build.returncode != 0:
            raise SystemExit(f"build in {folder} failed:\n{build.stdout[-2000:]}\n{build.stderr[-2000:]}")
    spec = floor_spec(demo / "outputs" / QUARTER)
    spec_path = root / "floor_spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    workbook = sorted((demo / "inputs" / QUARTER).glob("*.xlsx"))[0]
    (root / "unit").mkdir()
    junk = junk_workbook(workbook, root / "junk" / "junk.xlsx")
    n_tables = sum(1 for d in spec["documents"] for kind, _ in d["body"] if kind == "t")
    n_paragraphs = sum(1 for d in spec["documents"] for kind, _ in d["body"] if kind == "p")
    counts = (f"{len(spec['documents'])} documents, {len(spec['charts'])} charts, {n_tables} tables, "
              f"{n_paragraphs} paragraphs")
    return Setup(root, demo, history20, history1, spec_path, workbook, junk, counts)


def junk_workbook(source: Path, target: Path) -> Path:
    """A copy of `source` with rows 40–340 of 指标进展 each carrying 4,000 cells outside the template."""
    import factory

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return factory.add_junk_cells(target)


def cases(s: Setup) -> list[Case]:
    cli = str(CLI)
    return [
        Case("build", f"build {QUARTER} (demo, parse cache warm)", (cli, "build", QUARTER), s.demo),
        Case("floor", "floor: bare matplotlib + python-docx", (str(PYTHON), str(HERE / "floor.py"), str(s.spec),
                                                              str(s.root / "floor_out")), s.root),
        Case("build_serial", f"build {QUARTER} (demo, cache warm, one process)", (cli, "build", QUARTER), s.demo,
             env={"YC_REPORTS_WORKERS": "1"}),
        Case("build_cold", f"build {QUARTER} (demo, parse cache empty)", (cli, "build", QUARTER), s.demo,
             before=(s.demo / "outputs" / ".cache",)),
        Case("history20", f"build {QUARTER}, 20 earlier quarters", (cli, "build", QUARTER), s.history20),
        Case("history1", f"build {QUARTER}, 1 earlier quarter", (cli, "build", QUARTER), s.history1),
        # a unit's PC: no inputs/ beside it, nothing to compare the 整改落实 sheet with
        Case("check", "check one workbook (a unit's PC)", (cli, "check", str(s.workbook)), s.root / "unit",
             exit_codes=(0, 1), repeat=FAST_REPEAT),
        # the office's folder: the 整改落实 sheet compared with the 督办 ledger of the quarters before
        Case("check_office", "check one workbook in the office's folder (整改落实 against the ledger)",
             (cli, "check", str(s.workbook)), s.demo, exit_codes=(0, 1), repeat=FAST_REPEAT),
        Case("openpyxl", "bare openpyxl.load_workbook of the same file",
             (str(PYTHON), "-c", f"import openpyxl; openpyxl.load_workbook({str(s.workbook)!r})"), s.demo,
             repeat=FAST_REPEAT),
        Case("check_junk", "check the junk-cells workbook (7.6 MB)", (cli, "check", str(s.junk)), s.demo,
             exit_codes=(0, 1), repeat=FAST_REPEAT),
        Case("help", "yc-reports --help", (cli, "--help"), s.demo, repeat=FAST_REPEAT),
    ]


# ------------------------------------------------------------------------------------ report


def machine(load_before: tuple[float, float, float]) -> str:
    after = os.getloadavg()
    return (f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}; load average "
            f"before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after (this benchmark's "
            f"own load included) {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")


def table(results: dict[str, list[Run]], labels: dict[str, str], runs: int) -> list[str]:
    med = {k: median(v) for k, v in results.items()}

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    lines = [f"| what | wall time (median of {runs}; sub-second cases of {runs * FAST_REPEAT}) | peak memory (PSS) "
             "| (RSS, summed) | target |",
             "|---|---:|---:|---:|---|"]
    for key in ("build", "floor", "build_serial", "build_cold", "history20", "history1", "check", "check_office",
                "openpyxl", "check_junk", "help"):
        m = med[key]
        target = ""
        if key in ("build", "build_serial", "build_cold", "history20", "history1"):
            target = f"≤ {TARGETS['memory_mb']} MB: {verdict(m.peak_mb <= TARGETS['memory_mb'])}"
        elif key in ("check", "check_office", "help", "check_junk"):
            limit = TARGETS[f"{key}_s" if key != "check_office" else "check_s"]
            target = f"≤ {limit:.1f} s: {verdict(m.seconds <= limit)}"
        lines.append(f"| {labels[key]} | {m.seconds:.3f} s | {m.peak_mb:.0f} MB | {m.peak_rss_mb:.0f} MB "
                     f"| {target} |")
    ratio_floor = med["build"].seconds / med["floor"].seconds
    ratio_history = med["history20"].seconds / med["history1"].seconds
    ratio_check = med["check"].seconds / med["openpyxl"].seconds
    lines.append(f"| **build / floor** | **{ratio_floor:.2f} ×** | | | ≤ {TARGETS['ratio_floor']:.1f} ×: "
                 f"{verdict(ratio_floor <= TARGETS['ratio_floor'])} |")
    lines.append(f"| **20 quarters / 1 quarter** | **{ratio_history:.2f} ×** | | | "
                 f"≤ {TARGETS['ratio_history']:.1f} ×: {verdict(ratio_history <= TARGETS['ratio_history'])} |")
    lines.append(f"| **check / openpyxl load** | **{ratio_check:.2f} ×** | | | ≤ {TARGETS['ratio_check']:.1f} ×: "
                 f"{verdict(ratio_check <= TARGETS['ratio_check'])} |")
    return lines


def profile(s: Setup) -> None:
    """pyinstrument over one serial build (the workers are other processes; a profile sees only one)."""
    env = {**child_environment(), "YC_REPORTS_WORKERS": "1"}
    subprocess.run([str(PYTHON), "-m", "pyinstrument", "-r", "text", "-o", str(PROFILE), "-m", "yc_reports.cli",
                    "build", QUARTER], cwd=s.demo, env=env, check=False, stdout=subprocess.DEVNULL)
    print(f"profile of a serial build written to {PROFILE.relative_to(HERE.parent)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="yc-reports benchmark against the floor")
    parser.add_argument("--runs", type=int, default=5, help="runs per case (median reported)")
    parser.add_argument("--quick", action="store_true", help="one run per case")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--profile", action="store_true", help="also profile one serial build with pyinstrument")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    load_before = os.getloadavg()
    if not CLI.exists():
        raise SystemExit(f"{CLI} not found: run `make setup` first")
    root = Path(tempfile.mkdtemp(prefix="yc-bench-"))
    try:
        print("setting up (demo inputs, 20 quarters of history, first builds) ...", flush=True)
        s = set_up(root)
        all_cases = cases(s)
        print(f"measuring {len(all_cases)} cases × {runs} runs ...", flush=True)
        results = measure(all_cases, runs)
        labels = {c.key: c.label for c in all_cases}
        lines = table(results, labels, runs)
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        header = [f"Benchmark of {stamp} — {machine(load_before)}", "",
                  f"Demo quarter's outputs: {s.counts}.", ""]
        text = "\n".join(header + lines) + "\n"
        print()
        print(text)
        RESULTS.write_text("# Benchmark results (benchmarks/bench.py)\n\n" + text, encoding="utf-8")
        print(f"written to {RESULTS.relative_to(HERE.parent)}")
        if args.profile:
            profile(s)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
