"""End-to-end fixtures: the real services on the real broker (as in the integration tests),
the gateway served over real HTTP on 127.0.0.1, and Debian's Chromium driven by Playwright.

The test process is eventlet-monkey-patched (tests/conftest.py), so the HTTP server's
thread and the Nameko containers are green threads: they run only while the main
greenlet waits in a green call. Playwright's *async* API does that (asyncio's selector is
eventlet's green select). Its sync API does not stop cleanly here: eventlet re-parents
Playwright's dispatcher greenlet to the hub, so leaving `sync_playwright()` never returns.
Browser code therefore runs as a coroutine under `asyncio.run` (see `run_in_browser`).
"""
import asyncio
import contextlib
import os
import threading
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

# Fixtures shared with the integration tests (imported here so pytest finds them).
from tests.integration.conftest import make_platform, start_services  # noqa: F401

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
# The built web client the gateway serves (scripts/test.sh builds it; WEB_DIST elsewhere).
WEB_DIST = Path(os.environ.get("WEB_DIST", ROOT / "web" / "dist"))
SCREENSHOTS = ROOT / "var" / "screenshots"
# Verified with Debian's chromium (shared/STACK-NOTES.md); never `playwright install`.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 # the player starts the video itself (Debian's chromium plays WebM VP9+Opus)
                 "--autoplay-policy=no-user-gesture-required"]
TIMEOUT_MS = 10_000


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: drives the web client in headless Chromium against the real services")


@contextlib.contextmanager
def serving(platform, services):
    """The platform's gateway app served over HTTP on a free port of 127.0.0.1, checked to
    reach `services` through the broker; yields the platform dict plus `url`."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(f"the web client is not built in {WEB_DIST}: run `make test` (or "
                    "`cd web && npm ci && npm run build`)")
    app = platform["app"]
    app.testing = False  # a real server: errors are answered, not raised
    server = make_server("127.0.0.1", 0, app, threaded=False)
    pool = app.extensions["rpc"]

    def serve():
        try:
            server.serve_forever(poll_interval=0.1)
        finally:
            pool._discard()  # the RPC proxy belongs to this thread: stop it here

    thread = threading.Thread(target=serve, name="e2e-gateway", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        # The server thread really serves, and reaches the services through the broker.
        ready = requests.get(f"{url}/readyz?verbose", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json()["services"] == {name: True for name in services}
        yield {**platform, "url": url}
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_gateway(start_services, uow_factory, amqp_uri, monkeypatch):  # noqa: F811
    """The platform with captcha on, and its gateway app served over HTTP on a free port
    of 127.0.0.1. Yields the platform dict of make_platform plus `url`."""
    services = ("identity", "orgtree", "learning")
    monkeypatch.setenv("GATEWAY_SERVICES", ",".join(services))
    with serving(make_platform(start_services, uow_factory, amqp_uri, captcha="on"),
                 services) as platform:
        yield platform


@pytest.fixture
def billing_gateway(start_services, uow_factory, amqp_uri, monkeypatch):  # noqa: F811
    """As live_gateway, with billing running too."""
    services = ("identity", "orgtree", "learning", "billing")
    monkeypatch.setenv("GATEWAY_SERVICES", ",".join(services))
    with serving(make_platform(start_services, uow_factory, amqp_uri, captcha="on",
                               billing=True), services) as platform:
        yield platform


@pytest.fixture
def exam_gateway(start_services, uow_factory, amqp_uri, monkeypatch):  # noqa: F811
    """As billing_gateway, with exam running instead of billing and captcha off (the test
    sets its world up through the API; the login page still shows one). A test that plays
    a course swaps the gateway's clock (app.extensions["clock"]) for its own while the
    heartbeats are sent, and back: the gateway also stamps 交卷 with it, which exam holds
    against the attempt's deadline in real time."""
    services = ("identity", "orgtree", "learning", "exam")
    monkeypatch.setenv("GATEWAY_SERVICES", ",".join(services))
    with serving(make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                               exam=True), services) as platform:
        yield platform


@pytest.fixture
def run_in_browser(tmp_path):
    """run_in_browser(scenario) runs `async scenario(page)` in a fresh headless Chromium
    page. On failure a screenshot is saved as tmp_path/failure.png. Uncaught errors in the
    page's scripts fail the test."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run the suite with `make test` (scripts/test.sh "
                    "sets SETUP_BROWSER=1 so scripts/setup.sh installs Debian's chromium)")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=TIMEOUT_MS)

    async def main(scenario):
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                               headless=True, timeout=30_000)
            try:
                context = await browser.new_context(locale="zh-CN",
                                                    viewport={"width": 1280, "height": 900})
                context.set_default_timeout(TIMEOUT_MS)
                page = await context.new_page()
                page_errors = []
                page.on("pageerror", lambda exc: page_errors.append(str(exc)))
                try:
                    await scenario(page)
                except BaseException:
                    with contextlib.suppress(Exception):
                        await page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
                    raise
                assert not page_errors, f"script errors in the page: {page_errors}"
            finally:
                await browser.close()

    def run(scenario):
        asyncio.run(main(scenario))
    return run


@pytest.fixture
def screenshot():
    """await screenshot(page, "login") saves var/screenshots/login.png (the README and
    reviewers look at these)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async def take(page, name):
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return take


@pytest.fixture
def reporting_gateway(start_services, uow_factory, amqp_uri, monkeypatch):  # noqa: F811
    """As live_gateway, with reporting running too and captcha off (the test sets its
    world up through the API; the login page still shows one)."""
    services = ("identity", "orgtree", "learning", "reporting")
    monkeypatch.setenv("GATEWAY_SERVICES", ",".join(services))
    with serving(make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                               reporting=True), services) as platform:
        yield platform
