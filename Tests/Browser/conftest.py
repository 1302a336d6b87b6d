"""The browser suite's world: a real daemon (`council serve` on its own embedded PostgreSQL), a
cast of people who set their passwords through one-time links, and real Chromium over WebDriver.

Run by `./scripts/test` after the Swift tests; alone: `.venv-tests/bin/python -m pytest Tests/Browser`
(COUNCIL_BIN names the binary, default .build/debug/council). Screenshots of every page, at
1280×800 and at a 390×844 phone, are written to .build/browser-screenshots/ (COUNCIL_SCREENSHOTS).
"""

import http.cookiejar
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
COUNCIL = os.environ.get("COUNCIL_BIN", str(ROOT / ".build" / "debug" / "council"))
SHOTS = pathlib.Path(os.environ.get("COUNCIL_SCREENSHOTS", ROOT / ".build" / "browser-screenshots"))
MIC_SAMPLE = ROOT / "Tests" / "CouncilServiceTests" / "Fixtures" / "mic-sample.csv"
PASSWORD = "協議会のパスワード2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Council:
    """The running daemon, its address and the secretariat administrator's API token."""

    def __init__(self, base, token, admin_link):
        self.base = base
        self.token = token
        self.admin_link = admin_link

    def api(self, method, path, body=None, content_type="application/json", token=None):
        data = None
        headers = {"Authorization": f"Bearer {token or self.token}", "Accept-Language": "ja"}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()}") from None

    def set_password(self, link, password=PASSWORD):
        """Opens a one-time link and sets the password over plain HTTP, as a browser's form would."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(link, timeout=30).read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"_csrf": token, "password": password, "password_again": password}).encode()
        opener.open(urllib.request.Request(link, data=form, method="POST"), timeout=30).read()


@pytest.fixture(scope="session")
def council():
    # Not pytest's tmp_path: as root the embedded PostgreSQL runs as the postgres user, who must
    # be able to reach its data directory.
    work = pathlib.Path(tempfile.mkdtemp(prefix="council-browser-"))
    work.chmod(0o755)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "daemon.log", "w")
    daemon = subprocess.Popen(
        [COUNCIL, "serve", "--data-dir", str(work / "db"), "--port", str(port), "--public-url", base],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, COUNCIL_LOG_LEVEL="notice"))
    try:
        deadline = time.time() + 180
        while True:
            try:
                with urllib.request.urlopen(base + "/health/ready", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if daemon.poll() is not None or time.time() > deadline:
                raise RuntimeError("the daemon did not start:\n" + (work / "daemon.log").read_text())
            time.sleep(0.5)
        printed = subprocess.run(
            [COUNCIL, "admin", "bootstrap", "--name", "事務局 管理者", "--email", "admin@example.go.jp",
             "--data-dir", str(work / "db"), "--public-url", base],
            capture_output=True, text=True, check=True).stdout
        link = re.search(re.escape(base) + r"/password/cl_[A-Za-z0-9_-]+", printed).group(0)
        token = printed.strip().splitlines()[-1]
        yield Council(base, token, link)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def cast(council):
    """Two competing vendors, each with a staff member who has a password, and the 団体 of MIC's sample."""
    council.api("POST", "/v1/municipalities/import", MIC_SAMPLE.read_bytes(), content_type="text/csv")
    people = {}
    for key, name in [("vendor_a", "株式会社ベンダーA"), ("vendor_b", "株式会社ベンダーB")]:
        organization = council.api("POST", "/v1/organizations", {"kind": "vendor", "name": name, "short_name": name})
        email = f"{key}@example.jp"
        account = council.api("POST", "/v1/accounts", {
            "organization_id": organization["id"], "display_name": f"{name} 担当", "email": email,
            "role": "member", "org_admin": True})
        link = council.api("POST", f"/v1/accounts/{account['id']}/password-link")
        council.set_password(link["url"])
        # An API token too, to put issues in place without the pages under test.
        token = council.api("POST", f"/v1/accounts/{account['id']}/tokens", {"name": "browser suite"})["secret"]
        people[key] = {"email": email, "organization": organization, "account": account, "token": token}
    return people


@pytest.fixture(scope="session")
def admin(council):
    """The first administrator sets a password through the link bootstrap printed, in the browser."""
    driver = chromium()
    try:
        driver.get(council.admin_link)
        assert "パスワードの設定" in driver.find_element(By.TAG_NAME, "h1").text
        screenshot(driver, "password-link")
        check_accessibility(driver, "password-link")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "password_again").send_keys(PASSWORD)
        submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        assert driver.current_url == council.base + "/"
        assert "事務局 管理者" in driver.find_element(By.CLASS_NAME, "signed-in").text
    finally:
        driver.quit()
    return "admin@example.go.jp"


def create_issue(council, token, title, visibility="council", municipalities=(("011002", "blocked"),), body=""):
    """An issue filed through the API by the token's owner."""
    return council.api("POST", "/v1/issues", {
        "title": title, "body": body, "category": "spec", "severity": "high", "visibility": visibility,
        "business_areas": ["juki"],
        "municipalities": [{"dantai_code": code, "impact": impact} for code, impact in municipalities]}, token=token)


@pytest.fixture
def browsers():
    """Makes Chromium sessions (with or without JavaScript); all are closed after the test."""
    made = []

    def make(javascript=True):
        driver = chromium(javascript)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.quit()


def chromium(javascript=True):
    """Headless Chromium as a Japanese office worker has it (Accept-Language: ja), over WebDriver."""
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=ja",
                     "--disable-gpu", "--no-first-run"]:
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # CI runs as root, where Chromium's sandbox cannot start
    options.add_experimental_option("prefs", {
        "intl.accept_languages": "ja",
        "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
    })
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    driver.set_page_load_timeout(60)
    return driver


def submit(driver, button):
    """Clicks a button that loads a new page, and waits until the new page has replaced the old."""
    # A mark on the old page's window: the new page has none. (Waiting for the old <html> to go
    # stale trips over Chromium's "node does not belong to the document" now and then.)
    driver.execute_script("window.councilOldPage = true")
    button.click()

    def loaded(d):
        try:
            return d.execute_script("return window.councilOldPage === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False  # between the two documents

    WebDriverWait(driver, 30).until(loaded)


def sign_in(driver, council, email, password=PASSWORD):
    driver.get(council.base + "/sign-in")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))


def screenshot(driver, name):
    """Saves the page as a person sees it: at 1280×800 and on a 390×844 phone, whole height."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width, height in [("desktop", 1280, 800), ("phone", 390, 844)]:
        driver.set_window_size(width, height)
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height, full + 120), 6000))
        driver.save_screenshot(str(SHOTS / f"{name}-{label}.png"))
    driver.set_window_size(1280, 800)


def check_accessibility(driver, name):
    """axe-core (the version axe-selenium-python carries) on the page as it is: no serious or critical
    violation of its WCAG 2 A/AA, WCAG 2.1 AA and best-practice rules."""
    Axe(driver).inject()
    options = json.dumps({"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}})
    results = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        f"axe.run(document, {options}).then(done, function (e) {{ done({{error: String(e)}}); }});")
    assert "error" not in results, f"{name}: axe failed: {results.get('error')}"
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, name + ": " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad)
