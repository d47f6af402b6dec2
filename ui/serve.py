"""Start the app with the index warmed as soon as the server is up: `python -m ui.serve [streamlit flags]`.

`streamlit run app.py` opens the index on the first visit; this opens it (and runs one question, so the model and
every lazy table are loaded) in a background thread once the server answers, so the first visitor waits at most
for what is left of it. The thread waits for the server because both need the two cores as they start: warming
meanwhile delayed the server by 0.3–0.6 s and the first usable page with it (bench/app.py, README).
"""
from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
log = logging.getLogger("ui.serve")


def _server_up(argv: list[str], wait: float = 30.0) -> None:
    """Return once the server started with these flags answers its health check (at most `wait` seconds)."""
    import time
    import urllib.request
    port = "8501"
    for i, a in enumerate(argv):         # --server.port N or --server.port=N, as streamlit takes it
        if a == "--server.port" and i + 1 < len(argv):
            port = argv[i + 1]
        elif a.startswith("--server.port="):
            port = a.split("=", 1)[1]
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)


def warm(argv: list[str] | None = None) -> None:
    """Fill the app's process-wide caches (the same cached objects the pages use), once the server is up."""
    _server_up(list(argv or []))
    from ui.config import settings
    from ui.loading import warm_up
    # the caches are filled outside a page run, on purpose: Streamlit's "missing ScriptRunContext" note is noise
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    try:
        warm_up(settings())
    except Exception as e:  # noqa: BLE001 — the first visitor will see the same problem as a sentence
        log.warning("could not warm the index: %s", e)


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli
    flags = list(sys.argv[1:] if argv is None else argv)
    threading.Thread(target=warm, args=(flags,), name="kb-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *flags]
    cli.main()


if __name__ == "__main__":
    main()
