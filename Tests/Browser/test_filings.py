"""届出 in a real Chromium: a vendor files development status and sees it in the history; a CP932
spreadsheet with bad lines of three kinds lists all of them and changes nothing, then a corrected
one is previewed and applied, and the audit log shows it; another vendor can neither file for
that product (403 page) nor see the preview of that upload."""

import pathlib
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import check_accessibility, screenshot, sign_in, submit


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def cp932_file(text):
    path = pathlib.Path(tempfile.mkdtemp(prefix="council-upload-")) / "導入団体.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp932"))
    return str(path)


def test_a_vendor_files_status_and_a_spreadsheet_with_a_preview(council, cast, admin, browsers):
    vendor_a, vendor_b = cast["vendor_a"], cast["vendor_b"]
    product = council.api("POST", "/v1/products", {"name": "A住記クラウド", "business_areas": ["juki", "kokuho"]},
                          token=vendor_a["token"])

    driver = browsers()
    sign_in(driver, council, vendor_a["email"])
    driver.find_element(By.CSS_SELECTOR, ".site-nav a[href='/filings']").click()
    assert heading(driver) == "届出"
    screenshot(driver, "filings")
    check_accessibility(driver, "filings")
    driver.find_element(By.CSS_SELECTOR, f"a[href='/filings/status?product={product['id']}&business_area=juki']").click()
    Select(driver.find_element(By.ID, "status-stage")).select_by_value("testing")
    Select(driver.find_element(By.ID, "status-readiness")).select_by_value("verifying")
    driver.find_element(By.ID, "status-availability").send_keys("令和8年4月1日")
    driver.find_element(By.ID, "status-note").send_keys("結合テスト中")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid=file-status]"))
    assert "開発状況を届け出ました" in driver.find_element(By.CLASS_NAME, "notice").text
    history = driver.find_element(By.CSS_SELECTOR, "[data-testid=history]").text
    assert "テスト中" in history and "結合テスト中" in history and "2026年4月1日" in history
    status_page = driver.current_url
    screenshot(driver, "filing-status")
    check_accessibility(driver, "filing-status")

    # A CP932 sheet with three kinds of bad lines: all listed, nothing changed.
    driver.get(council.base + "/filings/upload")
    check_accessibility(driver, "filing-upload")
    driver.find_element(By.ID, "upload-file").send_keys(cp932_file(
        "団体コード,業務,製品,移行予定,状態,備考\n"
        "011002,住民記録,A住記クラウド,令和8年1月,移行中,\n"
        "01100X,住民記録,A住記クラウド,2026/02,移行中,\n"
        "011002,国民健康保険,A住記クラウド,2026-03,たぶん,\n"
        "011002,介護保険,A住記クラウド,2026-03,移行予定,\n"))
    Select(driver.find_element(By.ID, "upload-encoding")).select_by_value("cp932")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid=upload-preview]"))
    lines = [row.find_element(By.TAG_NAME, "td").text for row in driver.find_elements(By.CSS_SELECTOR, "[data-testid=problem]")]
    assert lines == ["3", "4", "5"], lines
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid=upload-confirm]")
    screenshot(driver, "filing-preview-refused")
    check_accessibility(driver, "filing-preview-refused")
    assert council.api("GET", f"/v1/adoptions?vendor={vendor_a['organization']['id']}")["total"] == 0

    # The corrected sheet: previewed, then applied.
    driver.get(council.base + "/filings/upload")
    driver.find_element(By.ID, "upload-file").send_keys(cp932_file(
        "団体コード,業務,製品,移行予定,状態,備考\n"
        "011002,住民記録,A住記クラウド,令和8年1月,移行中,\n"
        "011002,国民健康保険,A住記クラウド,2026/02,移行予定,①次移行\n"))
    submit(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid=upload-preview]"))
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid=count-new]").text == "2"
    preview = driver.current_url
    screenshot(driver, "filing-preview")
    check_accessibility(driver, "filing-preview")
    confirm_form = driver.find_element(By.CSS_SELECTOR, "form[action$='/confirm']").get_attribute("action")
    upload_page = confirm_form.removesuffix("/confirm")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid=upload-confirm]"))
    assert "届け出ました（2件を反映）" in driver.find_element(By.CLASS_NAME, "notice").text
    assert council.api("GET", f"/v1/adoptions?vendor={vendor_a['organization']['id']}")["total"] == 2
    _ = preview

    # The audit log shows it (the secretariat's view).
    audit = browsers()
    sign_in(audit, council, admin)
    audit.get(council.base + "/admin/audit?entity_type=adoption")
    assert len(audit.find_elements(By.CSS_SELECTOR, "[data-testid=audit-entry]")) >= 2

    # Another vendor: a 403 page for the form, a 404 page for the upload.
    other = browsers()
    sign_in(other, council, vendor_b["email"])
    other.get(status_page)
    assert heading(other) == "この操作はできません"
    other.get(upload_page)
    assert heading(other) == "ページが見つかりません"
    assert "011002" not in other.page_source
