"""The `fastseed` process: what loads before the command runs, and which threads it starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**clean, **env}
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_package_loads_no_numpy_until_a_name_is_used():
    out = _python(
        "import sys, fastseed; before = 'numpy' in sys.modules; fastseed.seed; "
        "print(before, 'numpy' in sys.modules, fastseed.UsageError.__module__)"
    )
    assert out == "False True fastseed.errors"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        import fastseed

        _ = fastseed.nope  # type: ignore[attr-defined]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads via /proc")
def test_the_command_starts_no_blas_threads_but_keeps_the_users_setting():
    count = "import os, fastseed.command; print(len(os.listdir('/proc/self/task')))"
    assert _python(count) == "1"  # numpy's OpenBLAS would add a spinning thread per core
    assert _python("import fastseed.command, os; print(os.environ['OPENBLAS_NUM_THREADS'])") == "1"
    kept = "import fastseed.command, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    assert _python(kept, OPENBLAS_NUM_THREADS="2") == "2"
