"""The dashboard in a real browser: Debian's chromium, headless, driven through WebDriver
(chromedriver) by Selenium.

    python3 browser.py ATOMIC REPO SHOTS_DIR

REPO is an atomic repository with lib.rs (functions a, b, c) on main. The script
  1. opens the dashboard, starts two agents' sessions and sees them appear live;
  2. lands a change to `a`, then a third submit that edits `a` too: its conflict appears
     without a reload; clicking `keep_theirs` resolves it and the session shows rebased;
  3. checks that requests without the secret are refused;
  4. comments on a line of the session's diff and finds it in `session status --json`;
  5. with 200 live sessions, each with a file of its own and the branch moved since their
     base, loads the page again and prints how long it took to be interactive
     (`READY_MS_200=<ms>`), measured in the browser.
Screenshots of the live view and of the conflict go to SHOTS_DIR. Exits non-zero, with what
failed, on any failure.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ATOMIC, REPO, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
TIMEOUT = 30


def atomic(*args, stdin=None, ok=(0,)):
    out = subprocess.run(
        [ATOMIC, "--json", *args], cwd=REPO, input=stdin, capture_output=True, text=True
    )
    if out.returncode not in ok:
        raise SystemExit(f"atomic {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def new_session(agent, intent):
    s = atomic("session", "new", "--agent", agent, "--intent", intent)
    return s["session_id"], s["token"]


def in_session(session, *args, stdin=None, ok=(0,)):
    sid, token = session
    return atomic("session", "--session", sid, "--token", token, *args, stdin=stdin, ok=ok)


def lib(a, b="2", c="3"):
    return (
        f"pub fn a() -> u32 {{\n    {a}\n}}\n\npub fn b() -> u32 {{\n    {b}\n}}\n\n"
        f"pub fn c() -> u32 {{\n    {c}\n}}\n"
    )


def browser():
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1200,1000"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, what, predicate, timeout=TIMEOUT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: predicate(d))
    except Exception as e:
        shot = os.path.join(SHOTS, "failure.png")
        driver.save_screenshot(shot)
        raise SystemExit(f"timed out waiting for {what} (screenshot: {shot}): {e!r}")


def present(css):
    return lambda d: d.find_elements(By.CSS_SELECTOR, css)


def text_of(driver, css):
    """The element's text now, read in one step (the page re-renders as news arrive)."""
    return driver.execute_script("return document.querySelector(arguments[0])?.innerText ?? ''", css)


def act(driver, what, css, action):
    """Does `action` on the element, finding it again if a re-render replaced it."""
    def attempt(d):
        try:
            action(d.find_element(By.CSS_SELECTOR, css))
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    wait(driver, what, attempt)


def status_code(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    url = atomic("dashboard")["url"]
    base, secret = url.split("/?secret=")
    driver = browser()
    try:
        driver.get(url)
        wait(driver, "the first render", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")

        # 1. Two agents' sessions appear live.
        ana = new_session("ana", "make a() return ten")
        ben = new_session("ben", "make b() return twenty")
        in_session(ana, "write", "lib.rs", stdin=lib("10"))
        in_session(ben, "write", "lib.rs", stdin=lib("1", b="20"))
        for s in (ana, ben):
            wait(driver, f"session {s[0]} to appear", present(f'#sessions [data-session="{s[0]}"]'))
        wait(driver, "ana's symbol to show", lambda d: "a (body modified)" in text_of(d, f'#sessions [data-session="{ana[0]}"]'))
        driver.save_screenshot(os.path.join(SHOTS, "dashboard-live.png"))

        # 2. A third submit conflicts; the conflict appears without a reload.
        carl = new_session("carl", "make a() return eleven")
        in_session(carl, "write", "lib.rs", stdin=lib("11"))
        assert in_session(ana, "submit", "-m", "a returns ten")["status"] == "merged"
        assert in_session(ben, "submit", "-m", "b returns twenty")["status"] == "merged"
        third = in_session(carl, "submit", "-m", "a returns eleven", ok=(1,))
        assert third["status"] == "conflict", third
        card = f'#conflicts [data-session="{carl[0]}"]'
        wait(driver, "the conflict to appear", present(card))
        text = text_of(driver, card)
        for expected in ("theirs", "yours", "base", "ana", "11", "10"):
            assert expected in text, f"{expected!r} not in the conflict card:\n{text}"
        driver.save_screenshot(os.path.join(SHOTS, "dashboard-conflict.png"))
        driver.set_window_size(420, 1000)
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        assert wide <= 420, f"the page is {wide} px wide in a 420 px window"
        driver.save_screenshot(os.path.join(SHOTS, "dashboard-narrow.png"))
        driver.set_window_size(1200, 1000)

        # keep_theirs, by keyboard focus then a click; the session shows rebased.
        # The manual editor opens holding the session's file; cancelled here.
        act(driver, "a click on Edit by hand", f'{card} [data-action="manual"]', lambda b: b.click())
        editor = f"#manual-{carl[0]}"
        wait(driver, "the editor to hold the file", lambda d: "    11" in (d.execute_script("return document.querySelector(arguments[0])?.value ?? ''", editor)))
        act(driver, "a click on Cancel", f"{card} .editor button:not(.primary)", lambda b: b.click())
        act(driver, "a click on keep_theirs", f'{card} [data-action="keep_theirs"]', lambda b: b.click())
        wait(driver, "the conflict to go", lambda d: not d.find_elements(By.CSS_SELECTOR, card))
        head = subprocess.run(["git", "rev-parse", "main"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        row = f'#sessions [data-session="{carl[0]}"]'
        wait(driver, "the session rebased onto main", lambda d: f"@ {head[:8]}" in text_of(d, row))
        status = in_session(carl, "status")
        assert status["base_commit"] == head and not status["branch_moved"], status
        assert status["conflicts"] is None, status

        # A recent change opens to its diff.
        landed = subprocess.run(["git", "log", "-1", "--format=%H", "--grep", "a returns ten", "main"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        change = atomic("show", landed)["change_id"]
        act(driver, "Enter on a recent change", f"#change-{change}", lambda b: b.send_keys(Keys.ENTER))
        wait(driver, "the change's diff", lambda d: "+    10" in text_of(d, f'[data-change="{change}"] .change-diff'))

        # 3. Without the secret, nothing.
        for path in ("/", "/app.js", "/api/state", "/api/events"):
            assert status_code(base + path) == 403, path
            assert status_code(f"{base}{path}?secret={'0' * 64}") == 403, path
        assert status_code(f"{base}/api/state?secret={secret}", {"Host": "attacker.example"}) == 403
        driver.get(base + "/")
        assert "refused" in driver.find_element(By.TAG_NAME, "body").text

        # 4. A comment on a line, from the keyboard, kept with the session.
        carl_keep = new_session("carl", "make c() return thirty")
        in_session(carl_keep, "write", "lib.rs", stdin=lib("10", b="20", c="30"))
        driver.get(url)
        wait(driver, "the page again", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        wait(driver, "the session row", present(f'#row-{carl_keep[0]}'))
        act(driver, "Enter on the session", f'#row-{carl_keep[0]}', lambda r: r.send_keys(Keys.ENTER))
        line = f'[data-session="{carl_keep[0]}"] .diff-line.add'
        wait(driver, "the diff", present(line))
        number = []
        act(driver, "c on a line", line, lambda t: (number.append(int(t.get_attribute("data-line"))), t.send_keys("c")))
        number = number[-1]
        act(driver, "typing the comment", f"#comment-{carl_keep[0]}", lambda b: b.send_keys("Why thirty? Say so in the doc comment."))
        act(driver, "a click on Comment", f"#comment-save-{carl_keep[0]}", lambda b: b.click())
        wait(driver, "the comment on the page", present(f'[data-session="{carl_keep[0]}"] .comment'))
        comments = in_session(carl_keep, "status")["comments"]
        assert [(c["path"], c["line"], c["text"]) for c in comments] == [
            ("lib.rs", number, "Why thirty? Say so in the doc comment.")
        ], comments

        # 5. 200 live sessions: time to interactive, as the browser measures it.
        # Each has written a file of its own, and the branch moved since (so the state
        # runs each session's submit merge as a dry run).
        live = len(atomic("session", "list"))
        for i in range(200 - live):
            s = new_session(f"agent-{i:03}", f"task {i}")
            in_session(s, "write", f"src/agent_{i:03}.rs", stdin=f"pub fn task_{i}() -> u32 {{\n    {i}\n}}\n")
        mover = new_session("mover", "move main")
        in_session(mover, "write", "MOVED.txt", stdin="moved\n")
        assert in_session(mover, "submit", "-m", "move main")["status"] == "merged"
        assert len(atomic("session", "list")) == 200
        samples = []
        for _ in range(5):
            driver.get(url)
            wait(driver, "200 sessions", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
            count = text_of(driver, "#sessions-count")
            assert count == "200", count
            samples.append(driver.execute_script("return window.atomicReady"))
        samples.sort()
        print(f"READY_MS_200={samples[len(samples) // 2]:.0f} (samples {', '.join(f'{s:.0f}' for s in samples)})")
    finally:
        driver.quit()


main()
