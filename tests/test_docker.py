"""docker/: the Dockerfile linted with hadolint, the compose and Kubernetes files checked for
the structure the recipes rely on, and everything the entrypoint does run directly against the
local servers (no container engine here): configuration by environment as compose passes it,
--wait, and SIGTERM to fastseed as PID 1 (its rows removed, exit 143)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import my_execute, my_fetch, pg_execute, pg_fetch

from fastseed.scenario import load_scenario

DOCKER = Path(__file__).resolve().parent.parent / "docker"


def dockerfile_env() -> dict[str, str]:
    """The ENV the image sets (KEY=VALUE pairs, continued lines)."""
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def compose() -> dict[str, Any]:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def entrypoint(args: list[str], env: dict[str, str], **popen: Any) -> subprocess.Popen[str]:
    """`fastseed ARGS` with only the environment a container would have."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.Popen(
        [sys.executable, "-m", "fastseed", *args],
        env={
            **keep,
            **dockerfile_env(),
            "FASTSEED_JOURNAL_DIR": os.environ["FASTSEED_JOURNAL_DIR"],
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    done = subprocess.run(
        [hadolint, str(DOCKER / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = (DOCKER / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(froms) == 2 and all(f == "${PYTHON_IMAGE}" for f in froms)  # a build argument
    assert re.search(r"^ARG PYTHON_IMAGE=python:\S+-slim$", text, re.M)
    assert re.search(r"^COPY --from=build ", text, re.M)  # only the wheel crosses over
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["fastseed"\]$', text, re.M)  # exec form: fastseed is PID 1


def test_compose_file_structure():
    services = compose()["services"]
    for db in ("postgres", "mariadb"):
        assert services[db]["healthcheck"]["test"]
    seeders = [s for s in services.values() if s.get("command", [None])[0] == "seed"]
    assert len(seeders) == 2
    for s in seeders:
        (db,) = [d for d, cond in s["depends_on"].items() if cond["condition"] == "service_healthy"]
        assert db in ("postgres", "mariadb") and db in s["environment"]["FASTSEED_URL"]
        assert "--wait" in s["command"] and s["restart"] == "no"
        source, target = s["volumes"][0].split(":")[:2]
        assert target == s["environment"]["FASTSEED_CONFIG"]
        load_scenario(DOCKER / source)  # the mounted scenario is valid
    for db in ("postgres", "mariadb"):
        source = services[db]["volumes"][0].split(":")[0]
        assert (DOCKER / source).is_file()


def test_kubernetes_job_structure(tmp_path):
    config, job = yaml.safe_load_all((DOCKER / "k8s" / "job.yaml").read_text())
    assert config["kind"] == "ConfigMap" and job["kind"] == "Job"
    assert job["apiVersion"] == "batch/v1"
    spec = job["spec"]
    assert spec["backoffLimit"] >= 1
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"  # podFailurePolicy requires it
    (container,) = pod["containers"]
    rules = spec["podFailurePolicy"]["rules"]
    by_action: dict[str, set[int]] = {}
    for rule in rules:
        codes = rule.get("onExitCodes")
        if codes:
            assert codes["containerName"] == container["name"] and codes["operator"] == "In"
            by_action.setdefault(rule["action"], set()).update(codes["values"])
    assert {2, 3, 4, 5} <= by_action["FailJob"]
    assert 6 in by_action["Count"] and not by_action["FailJob"] & by_action["Count"]
    assert container["args"][0] == "seed" and "--wait" in container["args"]
    names = {e["name"] for e in container["env"]}
    assert {"FASTSEED_URL", "FASTSEED_CONFIG"} <= names
    scenario = tmp_path / "fastseed.toml"
    scenario.write_text(config["data"]["fastseed.toml"])
    load_scenario(scenario)
    mounted = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    config_path = next(e["value"] for e in container["env"] if e["name"] == "FASTSEED_CONFIG")
    assert config_path == mounted["scenario"] + "/fastseed.toml"


def _seed_like_compose(service: str, url: str) -> list[dict[str, Any]]:
    s = compose()["services"][service]
    env = {**s["environment"], "FASTSEED_URL": url}
    env["FASTSEED_CONFIG"] = str(DOCKER / s["volumes"][0].split(":")[0])
    proc = entrypoint(s["command"], env)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in err.splitlines()]


def test_entrypoint_configured_by_environment_postgres(pg_db):
    pg_execute(pg_db, (DOCKER / "schema" / "postgres.sql").read_text())
    events = _seed_like_compose("seed-postgres", f"postgresql://root@127.0.0.1:5432/{pg_db}")
    assert events[0]["event"] == "start" and events[-1]["event"] == "summary"
    assert events[-1]["exit_code"] == 0
    assert pg_fetch(pg_db, "SELECT count(*) FROM customers") == [(200,)]
    (orders,) = pg_fetch(pg_db, "SELECT count(*) FROM orders")[0]
    assert 200 <= orders <= 1000  # 1-5 per customer, as the mounted scenario says


def test_entrypoint_configured_by_environment_mariadb(my_db):
    schema = re.sub(r"--.*$", "", (DOCKER / "schema" / "mariadb.sql").read_text(), flags=re.M)
    my_execute(my_db, [s for s in schema.split(";") if s.strip()])
    events = _seed_like_compose("seed-mariadb", f"mariadb://root@127.0.0.1:3306/{my_db}")
    assert events[-1]["event"] == "summary" and events[-1]["exit_code"] == 0
    assert my_fetch(my_db, "SELECT count(*) FROM customers") == [(200,)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_wait_gives_up_with_exit_6():
    port = _free_port()
    proc = entrypoint(
        ["verify", "--wait", "1"], {"FASTSEED_URL": f"postgresql://root@127.0.0.1:{port}/x"}
    )
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 6, err
    lines = [json.loads(line) for line in err.splitlines()]
    assert lines[-1]["event"] == "error" and "still unreachable after 1 s" in lines[-1]["message"]
    assert any(e["event"] == "notice" and "waiting up to 1 s" in e["message"] for e in lines)


def _forward_when_asked(port: int, start: threading.Event, stop: threading.Event) -> None:
    """Listen on `port` only once `start` is set (a server coming up late), then pass each
    connection on to the local PostgreSQL."""
    start.wait()
    with socket.create_server(("127.0.0.1", port)) as server:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(("127.0.0.1", 5432))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


def _pipe(a: socket.socket, b: socket.socket) -> None:
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def test_wait_until_the_server_comes_up(pg_db):
    pg_execute(pg_db, "CREATE TABLE items (id int PRIMARY KEY)")
    port = _free_port()
    start, stop = threading.Event(), threading.Event()
    threading.Thread(target=_forward_when_asked, args=(port, start, stop), daemon=True).start()
    url = f"postgresql://root@127.0.0.1:{port}/{pg_db}"
    proc = entrypoint(["seed", "--wait", "60", "--rows", "10"], {"FASTSEED_URL": url})
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # refused until the "server" listens
            if json.loads(line)["event"] == "notice":
                break
        start.set()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        stop.set()
        proc.kill()
    assert pg_fetch(pg_db, "SELECT count(*) FROM items") == [(10,)]


SLOW_CHILD = """
CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE children (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parents);
-- each child row takes a while: the load is still running when the signal comes
CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM pg_sleep(0.01); RETURN NEW; END $$;
CREATE TRIGGER slow BEFORE INSERT ON children FOR EACH ROW EXECUTE FUNCTION slow();
"""


@pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0, reason="needs root unshare"
)
def test_sigterm_to_pid_1_removes_the_rows_and_exits_143(pg_db):
    pg_execute(pg_db, SLOW_CHILD)
    url = f"postgresql://root@127.0.0.1:5432/{pg_db}"
    # a new PID namespace: fastseed is PID 1 there, as in a container, so a signal it did
    # not install a handler for would be ignored
    proc = subprocess.Popen(
        [
            "unshare",
            "--pid",
            "--fork",
            "--mount-proc",
            sys.executable,
            "-m",
            "fastseed",
            "seed",
            "--rows",
            "parents=50",
            "--rows",
            "children=3000",
            "--workers",
            "1",
        ],
        env={**os.environ, **dockerfile_env(), "FASTSEED_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # parents committed, children loading
            if json.loads(line).get("table") == "public.parents":
                break
        while pg_fetch(pg_db, "SELECT count(*) FROM parents") == [(0,)]:
            time.sleep(0.05)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        (pid_1,) = children
        status = Path(f"/proc/{pid_1}/status").read_text().splitlines()
        (nspid,) = [line.split()[1:] for line in status if line.startswith("NSpid:")]
        assert nspid[-1] == "1"  # fastseed is PID 1 in its namespace
        os.kill(int(pid_1), signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    error = json.loads(err.splitlines()[-1])
    assert error["event"] == "error" and error["exit_code"] == 143
    assert "terminated" in error["message"]
    assert pg_fetch(pg_db, "SELECT count(*) FROM parents") == [(0,)]
    assert pg_fetch(pg_db, "SELECT count(*) FROM children") == [(0,)]


def test_kubernetes_shards_recipe():
    """Plan once, N shards of that plan as an Indexed Job, verify once: the shard count is
    the Job's, every shard reads the plan the plan Job saves, and the commands parse."""
    from fastseed.cli import build_parser

    docs = list(yaml.safe_load_all((DOCKER / "k8s" / "shards.yaml").read_text()))
    jobs = {d["metadata"]["labels"]["step"]: d for d in docs if d["kind"] == "Job"}
    assert set(jobs) == {"plan", "load", "verify"}

    def container(step: str) -> dict[str, Any]:
        (c,) = jobs[step]["spec"]["template"]["spec"]["containers"]
        return c

    plan_args, load_args = container("plan")["args"], container("load")["args"]
    saved = plan_args[plan_args.index("--save") + 1]
    assert load_args[load_args.index("--plan") + 1] == saved
    spec = jobs["load"]["spec"]
    assert spec["completionMode"] == "Indexed"
    assert int(load_args[load_args.index("--shards") + 1]) == spec["completions"]
    mounts = {m["mountPath"] for m in container("load")["volumeMounts"]}
    assert str(Path(saved).parent) in mounts
    parser = build_parser()
    for step in jobs:
        parsed = parser.parse_args(container(step)["args"])
        assert parsed.command == {"plan": "plan", "load": "seed", "verify": "verify"}[step]
    assert parser.parse_args(container("verify")["args"]).prove_fks
