"""協議会 in a real Chromium: the secretariat creates a meeting, takes in the proposals, orders the
agenda with JavaScript disabled, records a decision that resolves an issue (after the workflow's
refusal), and prints the handout to PDF; a vendor reads the meeting without another's restricted item."""

import base64
import io
import re
import unicodedata

from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import Select

from conftest import check_accessibility, create_issue, screenshot, sign_in, submit


def agenda_subjects(driver):
    return [h.text for h in driver.find_elements(By.CSS_SELECTOR, "[data-testid=agenda-item] h3")]


def item_id(driver, text):
    for item in driver.find_elements(By.CSS_SELECTOR, "[data-testid=agenda-item]"):
        if text in item.find_element(By.TAG_NAME, "h3").text:
            return item.get_attribute("id").removeprefix("item-")
    raise AssertionError(f"no agenda item {text!r} in {agenda_subjects(driver)}")


def plain(text):
    """Text as compared with a PDF's: NFKC (the fonts map 日 to the Kangxi radical ⽇) without spaces
    (the extractor puts them between scripts)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def click(driver, testid):
    submit(driver, driver.find_element(By.CSS_SELECTOR, f"[data-testid='{testid}']"))


def test_the_secretariat_runs_a_meeting_without_javascript_and_prints_the_handout(council, cast, admin, browsers):
    vendor_a, vendor_b = cast["vendor_a"], cast["vendor_b"]
    issue = create_issue(council, vendor_a["token"], "帳票の印字位置の相違")["number"]
    for state in ["triaged", "on_agenda"]:
        council.api("POST", f"/v1/issues/{issue}/transitions", {"to": state})
    hidden = council.api("POST", "/v1/issues", {
        "title": "B社だけの緊急課題", "body": "", "category": "spec", "severity": "critical", "visibility": "restricted",
        "business_areas": ["juki"], "municipalities": []}, token=vendor_b["token"])["number"]

    driver = browsers(javascript=False)
    sign_in(driver, council, admin)
    driver.get(council.base + "/meetings")
    driver.find_element(By.ID, "meeting-title").send_keys("事業者協議会")
    driver.find_element(By.ID, "meeting-held-on").send_keys("令和8年12月10日")
    driver.find_element(By.CSS_SELECTOR, f"input[name=attendee_ids][value='{vendor_a['organization']['id']}']").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/meetings'] button[type=submit]"))
    assert "令和8年12月10日（2026年12月10日）" in driver.find_element(By.CSS_SELECTOR, "[data-testid=held-on]").text
    meeting = driver.current_url.split("?")[0]

    # The proposals: the issue on the agenda track and the critical one.
    click(driver, "propose")
    subjects = agenda_subjects(driver)
    assert any("帳票の印字位置の相違" in s for s in subjects) and any("B社だけの緊急課題" in s for s in subjects)
    click(driver, "confirm-" + item_id(driver, "帳票の印字位置の相違"))
    click(driver, "remove-" + item_id(driver, "B社だけの緊急課題"))
    driver.find_element(By.ID, "item-topic").send_keys("前回議事録の確認")
    driver.find_element(By.ID, "item-minutes").clear()
    driver.find_element(By.ID, "item-minutes").send_keys("5")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/agenda'] button[type=submit]"))
    topic = item_id(driver, "前回議事録の確認")
    # Reordered with plain forms: the topic goes up until it is first.
    while not agenda_subjects(driver)[0].startswith("前回議事録の確認"):
        click(driver, "up-" + topic)
    assert "前回議事録の確認" in agenda_subjects(driver)[0]
    screenshot(driver, "meeting-agenda-no-js")

    # Resolving without the answer: the workflow refuses and the decision typed stays.
    item = item_id(driver, "帳票の印字位置の相違")
    driver.find_element(By.CSS_SELECTOR, f"#item-{item} details:last-of-type summary").click()
    driver.find_element(By.ID, f"decision-{item}").send_keys("仕様書の改定で対応する。")
    Select(driver.find_element(By.ID, f"move-{item}")).select_by_value("resolved")
    click(driver, "decide-" + item)
    assert "回答" in driver.find_element(By.CSS_SELECTOR, "[data-testid=decision-errors]").text
    assert driver.find_element(By.ID, f"decision-{item}").get_attribute("value") == "仕様書の改定で対応する。"
    Select(driver.find_element(By.ID, f"move-{item}")).select_by_value("resolved")
    driver.find_element(By.ID, f"answer-{item}").send_keys("標準仕様書 第4.1版で改定します。")
    click(driver, "decide-" + item)
    assert "決定を記録しました" in driver.find_element(By.CLASS_NAME, "notice").text
    assert council.api("GET", f"/v1/issues/{issue}")["state"] == "resolved"

    # The handout, printed by Chromium to an A4 PDF.
    driver.get(meeting + "/handout")
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = PdfReader(io.BytesIO(base64.b64decode(driver.print_page(options))))
    text = plain("".join(page.extract_text() for page in pdf.pages))
    assert len(pdf.pages) >= 2, "the record of proceedings starts on its own page"
    for expected in ["事業者協議会", "帳票の印字位置の相違", "前回議事録の確認", "仕様書の改定で対応する。", "令和8年12月10日"]:
        assert plain(expected) in text, f"{expected!r} not in the printed handout"
    assert plain("B社だけの緊急課題") not in text and "サインアウト" not in text

    # Readers: vendor A sees the meeting, never vendor B's restricted issue, and no forms.
    reader = browsers()
    sign_in(reader, council, vendor_a["email"])
    reader.get(meeting)
    assert "帳票の印字位置の相違" in reader.page_source and "B社だけの緊急課題" not in reader.page_source
    assert not reader.find_elements(By.CSS_SELECTOR, "form[action$='/decision']")
    screenshot(reader, "meeting")
    check_accessibility(reader, "meeting")
    reader.get(council.base + "/meetings")
    check_accessibility(reader, "meetings")
    _ = hidden


def test_the_meeting_pages_of_the_secretariat_pass_axe(council, cast, admin, browsers):
    driver = browsers()
    sign_in(driver, council, admin)
    driver.get(council.base + "/meetings")
    screenshot(driver, "meetings-secretariat")
    check_accessibility(driver, "meetings-secretariat")
    driver.find_element(By.ID, "meeting-title").send_keys("臨時協議会")
    driver.find_element(By.ID, "meeting-held-on").send_keys("2027/1/15")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/meetings'] button[type=submit]"))
    driver.find_element(By.ID, "item-topic").send_keys("移行スケジュールの共有")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/agenda'] button[type=submit]"))
    screenshot(driver, "meeting-secretariat")
    check_accessibility(driver, "meeting-secretariat")
    driver.get(driver.current_url.split("?")[0].split("#")[0] + "/handout")
    screenshot(driver, "meeting-handout")
    check_accessibility(driver, "meeting-handout")
