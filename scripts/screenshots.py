"""Screenshots of every page at 375 and 1280 px, as each demo persona sees them (issue 18).

    .venv/bin/python scripts/screenshots.py                 # the full set into docs/images/pages/
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000   # against a demo already running

Without ``--url`` the script starts ``kundpuls demo`` in a temporary data folder on a free port, waits for
it, logs in through the login form as each persona (``kundpuls.demo.organisation.USERS``), shoots every
staff page that persona opens from the navigation, one follow-up case, the goals of her unit and the
respondent pages, then stops the demo. Chromium is the system one (``/usr/bin/chromium``), the locale
``sv-SE``. Every page is shot whole (``full_page``): the length of a page on a phone is part of what is
looked at. The two pictures the README shows (``docs/images/unit-results.png``,
``docs/images/respondent-page.png``) are written again from the same run, the top of the page only.

A page that answers with an error status is reported and the script exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (375, 1280)
PASSWORD = "Kundpuls-demo-2026"

# (persona file prefix, login e-mail, pages: (name, path)). Paths with {unit} use the persona's own unit.
PERSONAS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "chef",
        "chef.hemtjanst@kundpuls.example",
        "VOF-HT-N",
        (
            ("start", "/portal/"),
            ("unit-results", "/portal/resultat/enheter/{unit}/"),
            ("methods", "/portal/resultat/metoder/"),
            ("unit", "/portal/enheter/{unit}/"),
            ("goals", "/portal/mal/enheter/{unit}/"),
            ("cases", "/portal/arenden/"),
            ("case", "case"),
            ("cases-summary", "/portal/arenden/ni-sa-vi-gjorde/{unit}/"),
        ),
    ),
    (
        "vardcentral",
        "chef.vardcentral@kundpuls.example",
        "RGX-VC-CEN",
        (
            ("start", "/portal/"),
            ("unit-results", "/portal/resultat/enheter/{unit}/"),
        ),
    ),
    (
        "analytiker",
        "analytiker@kundpuls.example",
        "EXK",
        (
            ("start", "/portal/"),
            ("results", "/portal/resultat/"),
            ("unit-results", "/portal/resultat/enheter/{unit}/"),
            ("goals", "/portal/mal/"),
            ("cases", "/portal/arenden/"),
            ("themes", "/portal/teman/"),
            ("surveys", "/portal/enkater/"),
            ("survey", "/portal/enkater/nki/"),
            ("invitations", "/portal/inbjudningar/nki/"),
            ("respondent-data", "/portal/svarsdata/nki/export/"),
        ),
    ),
    (
        "admin",
        "admin@kundpuls.example",
        "EXK",
        (
            ("start", "/portal/"),
            ("status", "/portal/drift/"),
            ("erasure", "/portal/dataskydd/"),
            ("webhooks", "/portal/webhooks/"),
            ("api-tokens", "/portal/api-nycklar/"),
            ("survey-editor", "/portal/enkater/skapa/"),
        ),
    ),
    ("betraktare", "betraktare@kundpuls.example", "VOF", (("start", "/portal/"),)),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_demo() -> Iterator[str]:
    """``kundpuls demo`` in a temporary data folder; yields its base URL and stops it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kundpuls-shots-") as data:
        env = {**os.environ, "KUNDPULS_DATA_DIR": data}
        log = Path(data) / "demo.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "kundpuls"), "demo", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 600
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"kundpuls demo stopped:\n{log.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("kundpuls demo did not answer within ten minutes") from None
                    time.sleep(2)
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def log_in(page: Any, url: str, email: str) -> None:
    page.goto(url + "/konto/logga-in/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()
    if "/konto/logga-in/" in page.url:
        raise SystemExit(f"could not log in as {email}")


def first_case_path(page: Any, url: str) -> str | None:
    page.goto(url + "/portal/arenden/")
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    cases = [h for h in hrefs if re.fullmatch(r"/portal/arenden/\d+/", h)]
    return cases[0] if cases else None


def respondent_path(page: Any, url: str) -> str | None:
    """The open NKI link of the manager's unit page."""
    page.goto(url + "/portal/enheter/VOF-HT-N/")
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    links = [h for h in hrefs if h.startswith("/s/")]
    return links[0] if links else None


def shoot(page: Any, target: Path, *, full_page: bool = True) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=full_page)


def run(url: str, out: Path, readme_images: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    heights: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for width in WIDTHS:
            for prefix, email, unit, pages in PERSONAS:
                context = browser.new_context(viewport={"width": width, "height": 800}, locale="sv-SE")
                context.set_default_timeout(600_000)  # a busy machine: the first visits compute reports
                page = context.new_page()
                log_in(page, url, email)
                for name, path in pages:
                    if path == "case":
                        found = first_case_path(page, url)
                        if found is None:
                            problems.append(f"{prefix}: no case to show")
                            continue
                        path = found
                    response = page.goto(url + path.format(unit=unit))
                    status = response.status if response else 0
                    if status >= 400:
                        problems.append(f"{prefix} {name} {path}: HTTP {status}")
                    shoot(page, out / f"{prefix}-{name}-{width}.png")
                    sizes = page.evaluate(
                        "({h: document.documentElement.scrollHeight,"
                        " w: document.documentElement.scrollWidth})"
                    )
                    heights.append(f"{width:>5} {prefix}-{name}: {sizes['h']} px high, {sizes['w']} px wide")
                    if sizes["w"] > width:
                        problems.append(f"{prefix} {name} at {width} px scrolls sideways ({sizes['w']} px)")
                    if prefix == "chef" and name == "unit-results" and width == 1280:
                        shoot(page, readme_images / "unit-results.png", full_page=False)
                if prefix == "chef":
                    survey = respondent_path(page, url)
                    if survey is None:
                        problems.append("no open survey link on the manager's unit page")
                    else:
                        context.clear_cookies()
                        page.goto(url + survey)
                        shoot(page, out / f"respondent-first-page-{width}.png")
                        if width == 375:
                            shoot(page, readme_images / "respondent-page.png", full_page=False)
                context.close()
        browser.close()
    print("\n".join(heights))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="a demo already running (default: start one in a temporary folder)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "pages")
    args = parser.parse_args()
    readme_images = ROOT / "docs" / "images"
    if args.url:
        problems = run(args.url.rstrip("/"), args.out, readme_images)
    else:
        with running_demo() as url:
            problems = run(url, args.out, readme_images)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
