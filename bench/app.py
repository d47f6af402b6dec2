"""The app as a user meets it, timed in a real browser (Chromium through playwright).

    .venv/bin/python bench/app.py --index index [--runs 3] [--plain] [--screenshot docs/screenshot.png]

For each run a fresh server is started (`python -m ui.serve`, which warms the index while the server comes up;
`--plain`: `streamlit run app.py`, as before) and a fresh browser page measures:

- server up: launch → /_stcore/health answers;
- usable: page opened (right after the server is up) → question box and example questions shown;
- launch to usable: the two together, what a person who starts the app waits; beside it the floor, the same
  measure for a bare Streamlit page holding only a question box and one example button (`streamlit run`, started
  the same way in the same run, alternating with the app), and the app's ratio to it;
- first answer: question typed + Enter → the answer sentence shown;
- section switch: in 浏览, 下一节 clicked → the next section's heading shown (10 switches), and a table-of-contents
  link followed (a full page load) → its heading shown.

Prints one line per measure (median and max over the runs) and writes the raw figures to --json.

    .venv/bin/python bench/app.py --index index --load 20 --minutes 5

instead runs 20 browser sessions against one server for 5 minutes, each asking, reading, collecting and opening
its basket in a loop, and reports errors (exceptions on the page, tracebacks in the server log) and the server
process's memory (RSS) every 30 s, to see whether it levels off.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
QUESTION = "铜材料深加工目标"
HEADING = "h3, .kb-h"          # the section heading: st.subheader before, a role=heading div now


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLOOR_APP = f"""import streamlit as st
st.text_input("问题")
st.button({QUESTION!r})
"""


def start_server(index: str, model: str, plain: bool, baskets: str, log, script: str | None = None
                 ) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = dict(os.environ, KB_INDEX=index, KB_MODEL=model, KB_BASKETS=baskets)
    flags = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    cmd = [sys.executable, "-m", "streamlit", "run", script or "app.py", *flags] if plain or script else \
        [sys.executable, "-m", "ui.serve", *flags]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < 120:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, base, time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not come up in 120 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def settled(page) -> None:
    """Wait until Streamlit's run is over: no element of the previous run is still shown (data-stale)."""
    page.wait_for_function("() => !document.querySelector('[data-stale=\\'true\\']')")


def heading(page) -> str:
    return page.locator(HEADING).last.inner_text()


def floor_run(browser) -> float:
    """Launch to usable for the bare Streamlit page (FLOOR_APP): what any Streamlit app costs on this machine now."""
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "wb") as log:
        script = Path(tmp) / "floor.py"
        script.write_text(FLOOR_APP, "utf-8")
        proc, base, up = start_server("", "", True, str(Path(tmp) / "baskets"), log, str(script))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            t0 = time.perf_counter()
            page.goto(base + "/")
            page.locator("[data-testid=stTextInput] input").wait_for()
            page.get_by_role("button", name=QUESTION).wait_for()
            usable = time.perf_counter() - t0
            page.close()
        finally:
            stop(proc)
    return up + usable


def one_run(browser, index: str, model: str, plain: bool, switches: int, screenshot: str | None = None) -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "wb") as log:
        proc, base, out["server_up_s"] = start_server(index, model, plain, str(Path(tmp) / "baskets"), log)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            t0 = time.perf_counter()
            page.goto(base + "/")
            box = page.locator("[data-testid=stTextInput] input")
            box.wait_for()
            page.get_by_role("button", name=QUESTION).wait_for()
            out["usable_s"] = time.perf_counter() - t0
            out["launch_to_usable_s"] = out["server_up_s"] + out["usable_s"]

            t0 = time.perf_counter()
            box.fill(QUESTION)
            box.press("Enter")
            page.locator(".kb-answer").wait_for()
            out["first_answer_s"] = time.perf_counter() - t0
            if screenshot:                      # the README's picture: the answer and its first passages
                settled(page)
                page.mouse.move(0, 0)
                time.sleep(1)
                page.screenshot(path=screenshot)

            page.goto(base + "/?page=%E6%B5%8F%E8%A7%88&section=1.1")
            page.locator(HEADING, has_text="决胜全面建成小康社会").wait_for()
            times = []
            for _ in range(switches):
                settled(page)                   # a button of the previous run's page may still be on screen
                before = heading(page)
                t0 = time.perf_counter()
                page.locator(".st-key-next button").click()
                page.wait_for_function(f"b => {{ const h = document.querySelectorAll('{HEADING}'); "
                                       "return h.length && h[h.length - 1].innerText !== b; }", arg=before)
                times.append(time.perf_counter() - t0)
            out["section_switch_s"] = times

            link = page.locator("a.kb-toc", has_text="加快发展铜材料深加工产业").first
            if link.count():
                if not link.is_visible():           # its chapter is folded in the table of contents: unfold it
                    page.locator("details", has=link).locator("summary").first.click()
                    link.wait_for()
                t0 = time.perf_counter()
                link.click()
                page.locator(HEADING, has_text="加快发展铜材料深加工产业").wait_for()
                out["toc_link_s"] = time.perf_counter() - t0
            page.close()
        finally:
            stop(proc)
    return out


QUESTIONS = ["铜材料深加工目标", "到十四五末要改造多少个老旧小区", "孩子上幼儿园难怎么解决",
             "每千人拥有执业医师数2025年目标", "养老服务有什么举措", "全区要建几个5G基站", "学前三年毛入园率目标",
             "怎么发展总部经济"]
SECTIONS = ["1.1", "2.2", "3.1", "6.3", "10.2", "10.5", "1.5", "12.6"]


def rss_mib(pid: int) -> float:
    """Resident memory of a process (Linux /proc), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _session(browser, base: str, n: int, stop_at: float, stats: dict) -> None:
    import random
    rnd = random.Random(n)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        while time.perf_counter() < stop_at:
            step = rnd.choice(["ask", "ask", "read", "basket"])
            try:
                if step == "ask":
                    await page.goto(base + "/?q=" + rnd.choice(QUESTIONS))
                    await page.locator(".kb-answer, .kb-none").first.wait_for()
                    add = page.locator(".st-key-add-answer button")
                    if await add.count():
                        await add.click()
                elif step == "read":
                    await page.goto(base + "/?page=%E6%B5%8F%E8%A7%88&section=" + rnd.choice(SECTIONS))
                    await page.locator(".kb-h").first.wait_for()
                    nxt = page.locator(".st-key-next button")
                    if await nxt.count():
                        await nxt.click()
                else:
                    await page.goto(base + "/?page=%E6%91%98%E5%BD%95")
                    await page.locator("[class*='st-key-item-'], [data-testid=stAlert]").first.wait_for()
                if await page.locator("[data-testid=stException]").count():
                    stats["page_errors"] += 1
                stats["steps"] += 1
            except Exception as e:  # noqa: BLE001 — counted and reported, the session goes on
                stats["failures"].append(f"session {n} {step}: {str(e).splitlines()[0][:120]}")
    finally:
        await ctx.close()


def load(index: str, model: str, sessions: int, minutes: float) -> None:
    import asyncio

    from playwright.async_api import async_playwright

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "wb") as log:
            proc, base, _ = start_server(index, model, False, str(Path(tmp) / "baskets"), log)
            stats = {"steps": 0, "page_errors": 0, "failures": []}
            samples = [(0.0, rss_mib(proc.pid))]
            try:
                async with async_playwright() as p:
                    browser = await p.chromium.launch(executable_path=CHROMIUM,
                                                      args=["--no-sandbox", "--disable-gpu"])
                    t0 = time.perf_counter()
                    stop_at = t0 + minutes * 60
                    tasks = [asyncio.create_task(_session(browser, base, n, stop_at, stats))
                             for n in range(sessions)]
                    while time.perf_counter() < stop_at:
                        await asyncio.sleep(max(0.1, min(30.0, stop_at - time.perf_counter())))
                        samples.append((time.perf_counter() - t0, rss_mib(proc.pid)))
                        print(f"{samples[-1][0]:6.0f} s  RSS {samples[-1][1]:7.1f} MiB  steps {stats['steps']}  "
                              f"page errors {stats['page_errors']}  failures {len(stats['failures'])}", flush=True)
                    await asyncio.gather(*tasks)
                    samples.append((time.perf_counter() - t0, rss_mib(proc.pid)))
                    await browser.close()
            finally:
                stop(proc)
            tracebacks = (Path(tmp) / "server.log").read_text("utf-8", "replace").count("Traceback")
        print(f"\n{sessions} sessions, {minutes:g} min: {stats['steps']} steps, {stats['page_errors']} pages with an "
              f"exception, {len(stats['failures'])} failed steps, {tracebacks} tracebacks in the server log")
        for f in stats["failures"][:10]:
            print("  ", f)
        first, peak, last = samples[0][1], max(r for _, r in samples), samples[-1][1]
        half = next(r for t, r in samples if t >= samples[-1][0] / 2)
        print(f"server RSS: {first:.0f} MiB at start, {half:.0f} MiB at half time, {last:.0f} MiB at the end "
              f"(peak {peak:.0f}); growth in the second half {last - half:+.0f} MiB")

    asyncio.run(run())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="index")
    ap.add_argument("--model", default=os.environ.get("KB_MODEL", "m3e-small"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--switches", type=int, default=10)
    ap.add_argument("--plain", action="store_true", help="start with `streamlit run app.py` (no warming)")
    ap.add_argument("--json", default=None, help="write the raw figures here")
    ap.add_argument("--screenshot", default=None, help="save the first answer's page here (docs/screenshot.png)")
    ap.add_argument("--load", type=int, default=0, metavar="N", help="run N concurrent sessions instead")
    ap.add_argument("--minutes", type=float, default=5.0, help="how long --load runs")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt install chromium")
    if args.load:
        return load(str(Path(args.index).resolve()), args.model, args.load, args.minutes)
    from playwright.sync_api import sync_playwright
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for i in range(args.runs):
            runs.append(one_run(browser, str(Path(args.index).resolve()), args.model, args.plain, args.switches,
                                args.screenshot if i == 0 else None))
            runs[-1]["floor_launch_to_usable_s"] = floor_run(browser)
            runs[-1]["ratio_to_floor"] = runs[-1]["launch_to_usable_s"] / runs[-1]["floor_launch_to_usable_s"]
            print(f"run {i + 1}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else
                                              f"{k} median {statistics.median(v):.2f} max {max(v):.2f}"
                                              for k, v in runs[-1].items()), flush=True)
        browser.close()
    print(f"\n{'launcher':>24}: {'streamlit run app.py' if args.plain else 'python -m ui.serve'}; "
          f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    for key in ("server_up_s", "usable_s", "launch_to_usable_s", "floor_launch_to_usable_s", "ratio_to_floor",
                "first_answer_s", "toc_link_s"):
        vals = [r[key] for r in runs if key in r]
        if vals:
            unit = "" if key.startswith("ratio") else " s"
            print(f"{key:>24}: median {statistics.median(vals):.2f}{unit}, max {max(vals):.2f}{unit}")
    sw = [t for r in runs for t in r["section_switch_s"]]
    print(f"{'section_switch_s':>24}: median {statistics.median(sw):.2f} s, p90 "
          f"{sorted(sw)[int(0.9 * (len(sw) - 1))]:.2f} s, max {max(sw):.2f} s ({len(sw)} switches)")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1), "utf-8")


if __name__ == "__main__":
    main()
