"""Fixtures shared across the test folders.

The demo quarter is the suite's most expensive input (five quarters of workbooks, then eleven documents
with their charts): it is built once per test process, serially, exactly as `yc-reports demo` builds it,
and the tests that only read it share it. Tests must not write into it; those that need to change
inputs or outputs copy what they need into their own tmp_path.

Under pytest-xdist (`make test`) each worker process builds it at most once, when a test first asks.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import configuration as hypothesis_configuration

from yc_reports.jsoncache import CACHE_DIR_ENV
from yc_reports.pipeline import parallel
from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.demo import DemoInputs, create_demo_inputs
from yc_reports.plan.registry import resolve_registry

# Hypothesis keeps its example database and caches in ./.hypothesis by default: not in the checkout.
hypothesis_configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "yc-reports-hypothesis")

# The per-user cache (validated plans, compiled templates) of this test process and the commands it starts:
# a fresh folder, never the developer's own ~/.cache/yc-reports.
os.environ[CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="yc-reports-test-cache-")


@dataclass(frozen=True)
class DemoBuild:
    """The demo's inputs and its latest quarter's outputs, as `yc-reports demo --root root` leaves them."""

    root: Path
    inputs: DemoInputs
    out: Path  # root/outputs/<latest quarter>
    files: dict[str, bytes]  # every output file (relative posix path → bytes), read once


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    root = tmp_path_factory.mktemp("demo-session")
    inputs = create_demo_inputs(root)
    out = root / "outputs" / str(inputs.latest)
    registry = resolve_registry(None, inputs.inputs_root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(parallel.WORKERS_ENV, "1")  # serial: the reference the parallel build is compared with
        result = build_quarter(registry, inputs.latest, inputs.inputs_root / str(inputs.latest), out)
    assert result.ok, result.error
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return DemoBuild(root=root, inputs=inputs, out=out, files=files)
