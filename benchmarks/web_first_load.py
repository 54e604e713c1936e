"""First load of the web client with a cold cache, in headless Chromium (Debian's), against
a running platform: the login page, and the learner's home signed in. For each, over RUNS
fresh browser contexts (nothing cached): time until the app's `cpe:interactive` mark
(Performance API: the first page rendered and taking input), the navigation's
responseEnd and loadEventEnd, and the JavaScript shipped (bytes as sent, gzip).

    .venv/bin/python benchmarks/web_first_load.py http://127.0.0.1:8100 [runs]

Needs captcha off (AUTH_CAPTCHA=off, as `make bench` runs) to sign in the demo learner."""
import asyncio
import gzip
import json
import statistics
import sys
import urllib.request

from playwright.async_api import async_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = performance.getEntriesByName("cpe:interactive")[0];
  return { interactive: mark ? mark.startTime : null, responseEnd: nav.responseEnd,
           loadEventEnd: nav.loadEventEnd };
}"""


def login(base):
    body = json.dumps({"username": "zhangwei", "password": "Learner@2026", "role": "learner"})
    request = urllib.request.Request(base + "/api/v1/auth/login", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


async def measure(browser, url, init_script=None):
    context = await browser.new_context(locale="zh-CN")
    if init_script:
        await context.add_init_script(init_script)
    page = await context.new_page()
    scripts = []

    async def on_response(response):
        if response.url.endswith(".js") and response.ok:
            body = await response.body()
            scripts.append((response.url.rsplit("/", 1)[-1], len(body), len(gzip.compress(body))))
    page.on("response", on_response)
    await page.goto(url, wait_until="load")
    await page.wait_for_function("performance.getEntriesByName('cpe:interactive').length > 0")
    timings = await page.evaluate(TIMINGS)
    await page.wait_for_load_state("networkidle")
    await context.close()
    return timings, scripts


async def main(base, runs):
    tokens = login(base)
    session = {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
               "must_change_password": False, "user": tokens["user"]}
    signed_in = f"sessionStorage.setItem('cpe.session', {json.dumps(json.dumps(session))});"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS, headless=True)
        for name, url, init in (("login page", base + "/login", None),
                                ("learner home", base + "/settings/profile", signed_in)):
            figures, scripts = [], []
            for _ in range(runs):
                timings, scripts = await measure(browser, url, init)
                figures.append(timings)
            inter = [f["interactive"] for f in figures]
            print(f"== {name}: {url}, {runs} cold loads")
            print(f"  interactive (cpe:interactive mark): median {statistics.median(inter):.0f} ms,"
                  f" max {max(inter):.0f} ms")
            print(f"  navigation responseEnd median "
                  f"{statistics.median(f['responseEnd'] for f in figures):.0f} ms, loadEventEnd "
                  f"median {statistics.median(f['loadEventEnd'] for f in figures):.0f} ms")
            print(f"  JavaScript: {len(scripts)} files, {sum(s[1] for s in scripts) / 1024:.1f} kB,"
                  f" {sum(s[2] for s in scripts) / 1024:.1f} kB gzip")
            for file, raw, packed in sorted(scripts, key=lambda s: -s[2]):
                print(f"    {file:48s} {raw / 1024:8.1f} kB {packed / 1024:7.1f} kB gzip")
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1].rstrip("/"), int(sys.argv[2]) if len(sys.argv) > 2 else 5))
