"""The package as people install it: `python -m build` makes a wheel and an sdist that carry
the scenario JSON schema, and the wheel installed into a fresh venv runs `fastseed demo`.
The slowest test of the CLI's (about 20 s): pip installs the dependencies from its cache or
the configured index."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import fastseed

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_into_a_fresh_venv_and_runs_the_demo(tmp_path):
    dist = tmp_path / "dist"
    # no isolated build env: the dev extra has setuptools, so nothing is downloaded
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    version = fastseed.__version__
    wheel = dist / f"fastseed-{version}-py3-none-any.whl"
    sdist = dist / f"fastseed-{version}.tar.gz"
    with zipfile.ZipFile(wheel) as whl:
        json.loads(whl.read("fastseed/scenario.schema.json"))
        entry_points = whl.read(f"fastseed-{version}.dist-info/entry_points.txt").decode()
        assert "fastseed = fastseed.command:main" in entry_points
    with tarfile.open(sdist) as tar:
        assert f"fastseed-{version}/fastseed/scenario.schema.json" in tar.getnames()

    env = tmp_path / "venv"
    venv.create(env, with_pip=False)  # the running pip installs into it: no ensurepip
    python = env / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    demo = subprocess.run(
        [str(env / "bin" / "fastseed"), "demo", "--rows", "20", "--output", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["ok"] and (tmp_path / "fastseed-demo.db").is_file()
    shown = subprocess.run([str(env / "bin" / "fastseed"), "--version"], capture_output=True)
    assert shown.stdout.decode().strip() == f"fastseed {version}"
