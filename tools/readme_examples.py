"""The README's terminal examples, from real runs: `make readme-examples` reruns them and writes them back.

Each example in README.md sits between `<!-- example NAME -->` and the end of the code block after it; the
block is `$ yc-reports ARGS` and what the program printed, run in a folder holding the demo's inputs (what
`yc-reports demo` writes), 100 columns wide. Long outputs keep their first and last lines around a "…".
tests/test_readme.py runs the same examples and fails, naming this command, when the README differs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
COLUMNS = 100
BLOCK = re.compile(r"(<!-- example (?P<name>[\w-]+) -->\n```[^\n]*\n)(?P<body>.*?)(```)", re.DOTALL)
REGENERATE = "make readme-examples"


@dataclass(frozen=True)
class Example:
    args: tuple[str, ...]
    head: int = 0        # keep the first `head` and last `tail` lines of a long output (0: all)
    tail: int = 0


# In the order they run (build before notices: each reads the same inputs; none changes them).
EXAMPLES = {
    "templates": Example(("templates", "2025Q4"), head=3, tail=2),
    "check": Example(("check", "inputs/2025Q3/2025Q3_第09项_提升城乡绿色人居环境_市住建局.xlsx")),
    "build": Example(("build", "2025Q3"), head=9, tail=17),
    "notices": Example(("notices", "2025Q3"), head=6, tail=1),
}


def run_examples(demo_root: Path) -> dict[str, str]:
    """name → the block's text, each example run in a copy of `demo_root` (a folder with the demo's inputs)."""
    with tempfile.TemporaryDirectory(prefix="yc-readme-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        shutil.copytree(Path(demo_root) / "inputs", work / "inputs")
        return {name: _run(example, work) for name, example in EXAMPLES.items()}


def _run(example: Example, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "TERM")}
    env.update(COLUMNS=str(COLUMNS), LINES="50", PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "yc_reports.cli", *example.args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    lines = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if example.head and len(lines) > example.head + example.tail + 1:
        lines = [*lines[: example.head], "…", *lines[len(lines) - example.tail:]]
    return "\n".join([f"$ yc-reports {' '.join(example.args)}", *lines]) + "\n"


def readme_blocks(text: str) -> dict[str, str]:
    return {m.group("name"): m.group("body") for m in BLOCK.finditer(text)}


def write_back(text: str, blocks: dict[str, str]) -> str:
    return BLOCK.sub(lambda m: m.group(1) + blocks.get(m.group("name"), m.group("body")) + m.group(4), text)


def demo_folder(where: Path) -> Path:
    """A folder with the demo's inputs, made by `yc-reports demo` itself."""
    subprocess.run([sys.executable, "-m", "yc_reports.cli", "demo", "--root", str(where)], check=True,
                   capture_output=True, timeout=900)
    return where


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the examples into README.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yc-readme-demo-") as tmp:
        blocks = run_examples(demo_folder(Path(tmp) / "demo"))
    text = README.read_text(encoding="utf-8")
    missing = set(EXAMPLES) - set(readme_blocks(text))
    if missing:
        print(f"README.md has no block for: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    new = write_back(text, blocks)
    if args.write:
        README.write_text(new, encoding="utf-8")
        print(f"README.md: {len(blocks)} examples written")
        return 0
    if new != text:
        print(f"README.md's examples differ from the program's output: run `{REGENERATE}`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
