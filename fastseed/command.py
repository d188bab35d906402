"""The `fastseed` command's entry point: process-wide settings first, then the CLI.

numpy's OpenBLAS starts a thread per core when numpy loads, and that thread spins for a while
(~0.1 s of CPU, measured on 2 cores) whether or not any linear algebra follows. fastseed does
none, and on a machine whose cores it shares with the database server that CPU is the
server's. A value the user set is kept.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from fastseed.cli import main  # numpy loads from here on

__all__ = ["main"]
