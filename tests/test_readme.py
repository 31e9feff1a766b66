"""The README and docs/ tell the truth: its terminal examples are the program's output today, it opens with
the two commands and the Windows route, and the documents it links to exist and cite nothing outside the
repository.

The examples are rerun here exactly as `make readme-examples` runs them (tools/readme_examples.py), in a copy
of the demo's inputs; when the program's words change, that command writes them back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import readme_examples

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_the_readme_examples_are_the_programs_output(demo_build):
    tool = readme_examples
    ran = tool.run_examples(demo_build.root)
    shown = tool.readme_blocks(README)
    assert set(shown) == set(tool.EXAMPLES), "README.md lacks an example block: see tools/readme_examples.py"
    for name in tool.EXAMPLES:
        assert shown[name] == ran[name], (
            f"README.md's `{name}` example differs from what the program prints now: run "
            f"`{tool.REGENERATE}` and review the diff.\n--- README\n{shown[name]}--- program\n{ran[name]}")


def test_the_readme_opens_with_the_commands_then_the_windows_route():
    headings = re.findall(r"^## (.+)$", README, re.MULTILINE)
    assert headings[0].startswith("Windows"), headings
    assert README.index("make demo") < README.index("## Windows") < README.index("## 一个季度怎么做")
    assert "pip install --require-hashes" in README and "--no-index --find-links wheelhouse" in README
    assert README.count("\n") < 200


def test_the_readme_shows_the_images_and_links_the_documents():
    for target in re.findall(r"\]\(((?:docs)/[^)]+)\)", README):
        assert (ROOT / target).is_file(), target
    images = {p.name for p in (ROOT / "docs" / "images").glob("*.png")}
    assert images and all(f"docs/images/{name}" in README for name in images)
    assert {"user-guide.md", "rules.md", "performance.md"} <= {p.name for p in DOCS}


@pytest.mark.parametrize("path", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_documents_cite_nothing_outside_the_repository(path):
    text = path.read_text(encoding="utf-8")
    assert "PRODUCT.md" not in text
    assert not re.search(r"issue #?\d{1,3}\b", text, re.IGNORECASE)   # `yc-reports issue 2025Q3` is a command
    for target in re.findall(r"`((?:yc_reports|tests|benchmarks|tools)/[\w/.-]+\.(?:py|toml|j2|md))`", text):
        assert (ROOT / target).exists(), f"{path.name} names {target}, which does not exist"
