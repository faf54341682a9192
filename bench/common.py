"""Timing helpers shared by the benchmark sections."""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata


@dataclass
class Row:
    """One measured figure beside its target."""

    section: str
    what: str
    value: float
    unit: str
    target: float | None = None
    baseline: float | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value <= self.target

    def as_dict(self) -> dict:
        return {**asdict(self), "met": self.met}


def median_ms(function: Callable[[], object], runs: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``function`` over ``runs`` runs, in milliseconds."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def machine() -> dict:
    """Cores, memory, Python and library versions, recorded with the figures."""
    import os

    packages = {}
    for name in ("numpy", "scipy", "pandas", "pyarrow", "pydantic", "streamlit", "openpyxl", "altair"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    cpu = None
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), None)
    except OSError:
        pass
    memory_gib = None
    try:
        with open("/proc/meminfo") as handle:
            memory_gib = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "machine": platform.machine(),
        "processor": cpu or platform.processor() or None,
        "python": sys.version.split()[0],
        "packages": packages,
    }
