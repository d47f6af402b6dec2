"""Start the app with the index warmed while the server comes up: `python -m ui.serve [streamlit flags]`.

`streamlit run app.py` opens the index on the first visit; this opens it (and runs one question, so the model and
every lazy table are loaded) in a background thread as the server starts, so the first visitor waits for nothing.
"""
from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
log = logging.getLogger("ui.serve")


def warm() -> None:
    """Fill the app's process-wide caches: the same cached objects the pages use."""
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
    threading.Thread(target=warm, name="kb-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
