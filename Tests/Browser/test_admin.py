"""管理 and my account in a real Chromium: an organization's administrator invites a colleague who
signs in through the one-time link; a token revoked on the account page stops working at once;
the secretariat reads the audit log; axe-core and screenshots on every administration page."""

import json
import re
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from conftest import PASSWORD, check_accessibility, screenshot, sign_in, submit


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def test_an_organization_administrator_invites_a_colleague_who_signs_in_through_the_link(council, cast, browsers):
    driver = browsers()
    sign_in(driver, council, cast["vendor_a"]["email"])
    driver.find_element(By.CSS_SELECTOR, ".site-nav a[href='/admin']").click()
    assert heading(driver) == "利用者"
    assert cast["vendor_b"]["email"] not in driver.page_source, "another vendor's people are not listed"
    driver.find_element(By.ID, "display-name").send_keys("ベンダーA 同僚")
    driver.find_element(By.ID, "account-email").send_keys("colleague@vendor-a.example.jp")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/admin/accounts'] button[type=submit]"))
    link = driver.find_element(By.CSS_SELECTOR, "[data-testid=password-link]").text
    assert re.fullmatch(re.escape(council.base) + r"/password/cl_[A-Za-z0-9_-]+", link)
    screenshot(driver, "admin-accounts")
    check_accessibility(driver, "admin-accounts")

    colleague = browsers()
    colleague.get(link)
    assert "パスワードの設定" in heading(colleague)
    colleague.find_element(By.ID, "password").send_keys(PASSWORD)
    colleague.find_element(By.ID, "password_again").send_keys(PASSWORD)
    submit(colleague, colleague.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert colleague.current_url == council.base + "/"
    assert "ベンダーA 同僚" in colleague.find_element(By.CLASS_NAME, "signed-in").text
    # The link works once.
    other = browsers()
    other.get(link)
    assert not other.find_elements(By.ID, "password"), "a used link sets no password"


def test_a_token_revoked_on_the_account_page_stops_working_at_once(council, cast, browsers):
    driver = browsers()
    sign_in(driver, council, cast["vendor_b"]["email"])
    driver.get(council.base + "/account")
    driver.find_element(By.ID, "token-name").send_keys("自社システム連携")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/account/tokens'] button[type=submit]"))
    secret = driver.find_element(By.CSS_SELECTOR, "[data-testid=token-secret]").text
    assert cast["vendor_b"]["email"] in json.dumps(council.api("GET", "/v1/me", token=secret), ensure_ascii=False)
    screenshot(driver, "account-token")
    check_accessibility(driver, "account-token")
    row = [r for r in driver.find_elements(By.CSS_SELECTOR, "[data-testid=token]") if "自社システム連携" in r.text][0]
    submit(driver, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "無効にしました" in driver.find_element(By.CLASS_NAME, "notice").text
    request = urllib.request.Request(council.base + "/v1/me", headers={"Authorization": f"Bearer {secret}"})
    try:
        urllib.request.urlopen(request, timeout=30)
        raise AssertionError("the revoked token still works")
    except urllib.error.HTTPError as error:
        assert error.code == 401


def test_the_secretariat_reads_the_audit_log_and_every_admin_page_passes_axe(council, cast, admin, browsers):
    driver = browsers()
    sign_in(driver, council, admin)
    driver.get(council.base + "/admin/audit")
    assert heading(driver) == "監査ログ"
    assert driver.find_elements(By.CSS_SELECTOR, "[data-testid=audit-entry]")
    # Actions are chosen and read by their Japanese names; the slug the API filters on stays beside them.
    Select(driver.find_element(By.ID, "audit-action")).select_by_visible_text("組織の作成")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/admin/audit'] button[type=submit]"))
    entries = driver.find_elements(By.CSS_SELECTOR, "[data-testid=audit-entry]")
    assert {e.find_element(By.TAG_NAME, "code").text for e in entries} == {"organization.create"}
    assert all("組織の作成" in e.text for e in entries)
    assert Select(driver.find_element(By.ID, "audit-action")).first_selected_option.text == "組織の作成"
    screenshot(driver, "admin-audit")
    check_accessibility(driver, "admin-audit")
    for name, path in {"admin-organizations": "/admin/organizations",
                       "admin-account": f"/admin/accounts/{cast['vendor_a']['account']['id']}"}.items():
        driver.get(council.base + path)
        screenshot(driver, name)
        check_accessibility(driver, name)
