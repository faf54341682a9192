"""roi chooses Arrow's jemalloc pool on Linux, before pyarrow is imported, and keeps a user's choice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from roi.arrow_memory import POOL_VARIABLE, prefer_jemalloc


def test_linux_gets_jemalloc_and_other_systems_are_left_alone():
    linux, mac = {}, {}
    prefer_jemalloc(linux, "linux")
    prefer_jemalloc(mac, "darwin")
    assert linux == {POOL_VARIABLE: "jemalloc"}
    assert mac == {}


def test_a_pool_the_user_chose_is_kept():
    environ = {POOL_VARIABLE: "system"}
    prefer_jemalloc(environ, "linux")
    assert environ == {POOL_VARIABLE: "system"}


def _backend_after_import_roi(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != POOL_VARIABLE}
    done = subprocess.run([sys.executable, "-c", "import roi, pyarrow as pa; print(pa.default_memory_pool().backend_name)"],
                          capture_output=True, text=True, check=True, env={**clean, **env},
                          cwd=Path(__file__).resolve().parent.parent)
    return done.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux") or "jemalloc" not in pa.supported_memory_backends(),
                    reason="pyarrow's Linux wheels carry jemalloc")
def test_importing_roi_first_makes_jemalloc_arrows_pool():
    assert _backend_after_import_roi() == "jemalloc"
    assert _backend_after_import_roi(**{POOL_VARIABLE: "system"}) == "system"
