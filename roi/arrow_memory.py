"""Which allocator Arrow uses for our tables: jemalloc on Linux.

Reading a million PRs allocates and frees gigabytes of Arrow buffers.  Arrow's default allocator
(mimalloc) hands freed pages back to the kernel within milliseconds, so the next table faults
them in again; on a virtual machine each fault is costly (a third of the CSV ingest in
``make bench`` was kernel time).  jemalloc keeps freed pages about a second and reuses them;
see docs/benchmarks.md for the figures.

Arrow reads ``ARROW_DEFAULT_MEMORY_POOL`` once, when pyarrow is imported, so ``import roi`` sets it
first: the command line (``python -m roi``) and scripts that import roi before pandas get
jemalloc.  The Streamlit server imports pyarrow before the app's code, so ``make run`` sets the
variable itself.  A value already set (the user's choice) is kept.  (``pyarrow.set_memory_pool``
after the import would not do: Arrow's C++ readers and joins keep allocating from the first pool.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def prefer_jemalloc(environ: MutableMapping[str, str] = os.environ, platform: str = sys.platform) -> None:
    """Ask Arrow for its jemalloc pool on Linux (its wheels there include it), unless already chosen."""
    if platform.startswith("linux"):
        environ.setdefault(POOL_VARIABLE, "jemalloc")
