"""A throwaway Ray cluster on this machine, for the tests and bench/scale.py: a head node and worker nodes, each a
`ray start --block` process of its own, with its own --temp-dir.

Each node is a child process in a session of its own: stop() ends exactly those (SIGTERM, which Ray handles by
stopping the node's raylet, store and workers; SIGKILL of the session if that hangs), never `ray stop`, which
would end every Ray process of the machine. Ray listens on the machine's address even when told 127.0.0.1, so the
cluster takes a random token (RAY_AUTH_MODE=token): a driver needs Cluster.env in its environment to connect.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

STORE_BYTES = 150 * 1024 * 1024         # object store per node: the tests move a few MiB


def ray_bin() -> str:
    """The `ray` command of this interpreter's environment (its workers then run this Python, with kb installed)."""
    return str(Path(sys.executable).with_name("ray"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    address: str
    root: Path
    env: dict[str, str]                 # what a driver sets to connect (the token)
    nodes: list[subprocess.Popen] = field(default_factory=list)

    def stop(self, timeout: float = 40) -> None:
        for p in reversed(self.nodes):          # workers first, the head last
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for p in reversed(self.nodes):
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for p in self.nodes:                    # whatever a node left behind in its session
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            p.wait()
        self.nodes.clear()


def _node(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    # RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S=0: on SIGTERM stop at once (Ray waits up to 30 s for work to drain)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0", **env}
    return subprocess.Popen([ray_bin(), "start", "--block", "--disable-usage-stats", *args],
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=log.parent,
                            start_new_session=True)


def _wait_started(c: Cluster, timeout: float) -> None:
    """Wait until every node says it started (a worker node once it has joined the head)."""
    deadline = time.monotonic() + timeout
    logs = [c.root / f"node{i}.log" for i in range(len(c.nodes))]
    while not all("Ray runtime started" in f.read_text(errors="replace") for f in logs):
        dead = [p for p in c.nodes if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            tails = "\n".join(f.read_text(errors="replace")[-1500:] for f in logs)
            raise RuntimeError(f"the Ray cluster did not come up ({'a node exited' if dead else 'timeout'}):\n{tails}")
        time.sleep(0.2)


def start(root: str | Path, nodes: int = 2, cpus: int = 1, timeout: float = 90,
          env: dict[str, str] | None = None) -> Cluster:
    """A head node and nodes-1 worker nodes of `cpus` CPUs each, their files under root; its address. `env` is
    added to the nodes' environment, which their workers inherit."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    common = ["--num-cpus", str(cpus), "--object-store-memory", str(STORE_BYTES)]
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    node_env = {**(env or {}), **auth}
    head = _node(["--head", "--node-ip-address", "127.0.0.1", "--port", str(port), "--include-dashboard", "false",
                  "--temp-dir", str(root / "head"), *common], root / "node0.log", node_env)
    cluster = Cluster("", root, auth, [head])
    try:
        # Ray replaces 127.0.0.1 with the machine's own address; the head's log names the one to join
        deadline = time.monotonic() + timeout
        log = root / "node0.log"
        while "ray start --address=" not in log.read_text(errors="replace"):
            if head.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Ray head did not start:\n{log.read_text(errors='replace')[-1500:]}")
            time.sleep(0.2)
        text = log.read_text(errors="replace")
        cluster.address = text.split("ray start --address=", 1)[1].split()[0].strip("'\"")
        for i in range(1, nodes):
            cluster.nodes.append(_node(["--address", cluster.address, "--node-ip-address", "127.0.0.1",
                                        "--temp-dir", str(root / f"node{i}"), *common], root / f"node{i}.log",
                                       node_env))
        _wait_started(cluster, timeout)
    except BaseException:
        cluster.stop()
        raise
    return cluster


if __name__ == "__main__":      # python -m tests.ray_cluster ROOT [NODES]: start one and wait (Ctrl-C stops it)
    c = start(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    print(" ".join(f"export {k}={v};" for k, v in c.env.items()), f"export KB_RAY_ADDRESS={c.address}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        c.stop()
