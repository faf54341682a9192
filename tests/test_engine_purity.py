"""The engine stays UI-free: importing every roi module loads no streamlit."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_roi_imports_no_streamlit():
    code = (
        "import importlib, pkgutil, sys, roi\n"
        "for m in pkgutil.walk_packages(roi.__path__, 'roi.'):\n"
        "    if m.name != 'roi.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'streamlit' or n.startswith('streamlit.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"roi imported streamlit: {done.stdout}{done.stderr}"
