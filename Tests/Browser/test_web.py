"""The council in a real Chromium: sign-in, the issue flows, what another vendor may not see,
conflicts, the dashboard, the same flows without JavaScript, and axe-core on every page."""

import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD, check_accessibility, create_issue, screenshot, sign_in, submit


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def test_sign_in_wrong_password_and_sign_out(council, admin, browsers):
    driver = browsers()
    driver.get(council.base + "/issues?state=new")
    # Signed out: sent to sign in, and brought back afterwards.
    assert driver.current_url.startswith(council.base + "/sign-in?next=")
    screenshot(driver, "sign-in")
    check_accessibility(driver, "sign-in")
    driver.find_element(By.ID, "email").send_keys(admin)
    driver.find_element(By.ID, "password").send_keys("間違ったパスワード")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))
    summary = driver.find_element(By.ID, "error-summary")
    assert "メールアドレスまたはパスワードが正しくありません" in summary.text
    # The script moved focus to what needs fixing.
    assert driver.switch_to.active_element.get_attribute("id") == "error-summary"
    assert driver.find_element(By.ID, "email").get_attribute("value") == admin
    screenshot(driver, "sign-in-refused")
    check_accessibility(driver, "sign-in-refused")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))
    assert driver.current_url == council.base + "/issues?state=new"
    assert heading(driver) == "課題一覧"
    submit(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid=sign-out]"))
    assert driver.current_url == council.base + "/sign-in?signed_out=1"
    assert "サインアウトしました" in driver.find_element(By.CLASS_NAME, "notice").text
    driver.get(council.base + "/")
    assert driver.current_url.startswith(council.base + "/sign-in")


def test_a_form_without_its_token_is_refused(council, cast, browsers):
    number = create_issue(council, cast["vendor_a"]["token"], "CSRF の確認")["number"]
    driver = browsers()
    sign_in(driver, council, cast["vendor_a"]["email"])
    driver.get(f"{council.base}/issues/{number}")
    driver.execute_script("document.querySelector(\"form[action$='/comments'] input[name=_csrf]\").remove()")
    driver.find_element(By.ID, "comment-body").send_keys("トークンのないコメント")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/comments'] button[type=submit]"))
    assert heading(driver) == "この操作はできません"
    assert "何も変更されていません" in driver.find_element(By.TAG_NAME, "main").text
    screenshot(driver, "csrf-refused")
    driver.get(f"{council.base}/issues/{number}")
    assert "トークンのないコメント" not in driver.page_source


def test_a_vendor_reports_an_issue_with_three_municipalities_and_the_secretariat_triages_it(council, cast, admin, browsers):
    vendor = browsers()
    sign_in(vendor, council, cast["vendor_a"]["email"])
    vendor.get(council.base + "/issues/new")
    vendor.find_element(By.ID, "title").send_keys("住民票の写しの様式変更への対応")
    vendor.find_element(By.ID, "body").send_keys("標準仕様書 第4.1版の様式変更に対応します。\n影響する団体を挙げます。")
    Select(vendor.find_element(By.ID, "category")).select_by_value("spec")
    Select(vendor.find_element(By.ID, "severity")).select_by_value("high")
    vendor.find_element(By.CSS_SELECTOR, "input[name=business_area][value=juki]").click()
    # The 団体 picker suggests by reading (JavaScript on): さっぽろ → 札幌市.
    first = vendor.find_element(By.ID, "municipality-1")
    first.send_keys("さっぽろ")
    WebDriverWait(vendor, 10).until(
        lambda d: d.execute_script("return document.querySelectorAll('#municipality-suggestions option').length") > 0)
    suggestion = vendor.execute_script("return document.querySelector('#municipality-suggestions option').value")
    assert suggestion.startswith("011002 ")
    first.clear()
    first.send_keys(suggestion)
    vendor.find_element(By.ID, "municipality-2").send_keys("当別町")
    Select(vendor.find_element(By.ID, "impact-2")).select_by_value("at_risk")
    vendor.find_element(By.ID, "municipality-3").send_keys("北海道 新篠津村")
    Select(vendor.find_element(By.ID, "impact-3")).select_by_value("affected")
    screenshot(vendor, "issue-new")
    check_accessibility(vendor, "issue-new")
    submit(vendor, vendor.find_element(By.CSS_SELECTOR, "form[data-testid=new-issue] button[type=submit]"))
    match = re.fullmatch(re.escape(council.base) + r"/issues/(\d+)", vendor.current_url)
    assert match, vendor.current_url
    number = match.group(1)
    places = vendor.find_element(By.CLASS_NAME, "places").text
    for name in ["札幌市", "当別町", "新篠津村"]:
        assert name in places
    assert vendor.find_element(By.CSS_SELECTOR, "[data-testid=issue-state]").text == "新規"
    # A vendor has no triage button.
    assert not vendor.find_elements(By.CSS_SELECTOR, "[data-testid=transition-triaged]")

    secretariat = browsers()
    sign_in(secretariat, council, admin)
    secretariat.get(f"{council.base}/issues/{number}")
    screenshot(secretariat, "issue")
    check_accessibility(secretariat, "issue")
    secretariat.find_element(By.ID, "transition-comment").send_keys("受け付けました。")
    submit(secretariat, secretariat.find_element(By.CSS_SELECTOR, "[data-testid=transition-triaged]"))
    assert secretariat.find_element(By.CSS_SELECTOR, "[data-testid=issue-state]").text == "受付済"
    assert "受け付けました。" in secretariat.find_element(By.ID, "comments").text
    # Resolving without the answer: refused, with the reason, and the comment typed kept.
    submit(secretariat, secretariat.find_element(By.CSS_SELECTOR, "[data-testid=transition-in_discussion]"))
    secretariat.find_element(By.ID, "transition-comment").send_keys("解決として連絡します")
    submit(secretariat, secretariat.find_element(By.CSS_SELECTOR, "[data-testid=transition-resolved]"))
    assert "回答:" in secretariat.find_element(By.ID, "error-summary").text
    assert secretariat.find_element(By.ID, "transition-comment").get_attribute("value") == "解決として連絡します"
    screenshot(secretariat, "issue-refused")


def test_another_vendor_gets_a_404_page_and_sees_the_restricted_issue_nowhere(council, cast, browsers):
    hidden = create_issue(
        council, cast["vendor_a"]["token"], "限定公開：ベンダーAの課題", visibility="restricted",
        municipalities=(("013030", "blocked"),))
    other = browsers()
    sign_in(other, council, cast["vendor_b"]["email"])
    other.get(f"{council.base}/issues/{hidden['number']}")
    assert heading(other) == "ページが見つかりません"
    assert "ベンダーAの課題" not in other.page_source
    screenshot(other, "not-found")
    check_accessibility(other, "not-found")
    for path in ["/issues", "/issues?q=" + "限定公開", "/issues?prefecture=01", "/"]:
        other.get(council.base + path)
        assert "ベンダーAの課題" not in other.page_source, path
    other.get(council.base + "/")
    hokkaido_b = other.find_element(By.XPATH, "//*[local-name()='a'][contains(@href,'prefecture=01')]/*[local-name()='title']")
    owner = browsers()
    sign_in(owner, council, cast["vendor_a"]["email"])
    owner.get(council.base + "/")
    hokkaido_a = owner.find_element(By.XPATH, "//*[local-name()='a'][contains(@href,'prefecture=01')]/*[local-name()='title']")
    blocked = lambda title: int(re.search(r"(\d+)団体が阻害", title.get_attribute("textContent")).group(1))
    # 当別町 is blocked by the restricted issue: counted for its owner only.
    assert blocked(hokkaido_a) == blocked(hokkaido_b) + 1


def test_two_browsers_edit_the_same_issue_and_the_second_sees_the_conflict_with_its_text_kept(council, cast, admin, browsers):
    number = create_issue(council, cast["vendor_a"]["token"], "編集が重なる課題", body="元の本文")["number"]
    first, second = browsers(), browsers()
    sign_in(first, council, cast["vendor_a"]["email"])
    sign_in(second, council, admin)
    for driver in (first, second):
        driver.get(f"{council.base}/issues/{number}/edit")
    title = first.find_element(By.ID, "title")
    title.clear()
    title.send_keys("先に保存された件名")
    submit(first, first.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert first.current_url == f"{council.base}/issues/{number}"

    body = second.find_element(By.ID, "body")
    body.clear()
    body.send_keys("後から書いた本文。\n消えてはいけない二行目。")
    submit(second, second.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert second.find_elements(By.CSS_SELECTOR, "[data-testid=conflict]")
    assert second.find_element(By.CSS_SELECTOR, "[data-testid=their-title]").text == "先に保存された件名"
    assert second.find_element(By.ID, "body").get_attribute("value") == "後から書いた本文。\n消えてはいけない二行目。"
    screenshot(second, "conflict")
    check_accessibility(second, "conflict")
    # Saving from the conflict page now works: it carries the new version.
    submit(second, second.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert second.current_url == f"{council.base}/issues/{number}"
    assert "消えてはいけない二行目。" in second.find_element(By.CLASS_NAME, "text-body").text


def test_the_dashboard_and_its_tile_map_render_with_data(council, cast, admin, browsers):
    create_issue(council, cast["vendor_b"]["token"], "東京都の移行阻害", municipalities=(("131016", "blocked"),))
    driver = browsers()
    sign_in(driver, council, admin)
    assert heading(driver) == "ダッシュボード"
    tiles = driver.find_elements(By.CSS_SELECTOR, "svg.tile-map rect.tile")
    assert len(tiles) == 47
    tokyo = driver.find_element(By.XPATH, "//*[local-name()='a'][contains(@href,'prefecture=13&')]")
    assert "1団体が阻害" in tokyo.find_element(By.XPATH, "./*[local-name()='title']").get_attribute("textContent")
    assert "tile-0" not in tokyo.find_element(By.CSS_SELECTOR, "rect").get_attribute("class")
    for area in ["住民基本台帳", "個人住民税", "児童手当"]:
        assert area in driver.page_source
    screenshot(driver, "dashboard")
    check_accessibility(driver, "dashboard")
    submit(driver, tokyo)
    assert "prefecture=13" in driver.current_url
    assert "東京都の移行阻害" in driver.page_source


def test_the_core_flows_work_with_javascript_disabled(council, cast, admin, browsers):
    driver = browsers(javascript=False)
    sign_in(driver, council, cast["vendor_b"]["email"])
    driver.get(council.base + "/issues/new")
    driver.find_element(By.ID, "title").send_keys("JavaScriptなしで登録する課題")
    Select(driver.find_element(By.ID, "category")).select_by_value("gov_cloud")
    Select(driver.find_element(By.ID, "severity")).select_by_value("medium")
    driver.find_element(By.ID, "municipality-1").send_keys("131016")
    driver.find_element(By.ID, "municipality-2").send_keys("川崎市")
    # More rows without a script: a link that reloads the form with more.
    assert driver.find_element(By.CLASS_NAME, "more-rows").get_attribute("href").endswith("rows=6")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[data-testid=new-issue] button[type=submit]"))
    number = re.fullmatch(re.escape(council.base) + r"/issues/(\d+)", driver.current_url).group(1)
    assert "千代田区" in driver.find_element(By.CLASS_NAME, "places").text
    driver.find_element(By.ID, "comment-body").send_keys("スクリプトなしのコメント")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/comments'] button[type=submit]"))
    assert "スクリプトなしのコメント" in driver.find_element(By.ID, "comments").text
    driver.get(f"{council.base}/issues/{number}/edit")
    Select(driver.find_element(By.ID, "severity")).select_by_value("critical")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert driver.current_url == f"{council.base}/issues/{number}"
    # Filters are a plain GET form.
    driver.get(council.base + "/issues")
    driver.find_element(By.ID, "q").send_keys("JavaScriptなし")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    rows = driver.find_elements(By.CSS_SELECTOR, "[data-testid=issue-table] tbody tr")
    assert len(rows) == 1 and "JavaScriptなしで登録する課題" in rows[0].text
    # The language switch is a form too, and it sticks.
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/language'] button"))
    assert heading(driver) == "Issues"
    driver.get(council.base + "/")
    assert heading(driver) == "Dashboard"
    screenshot(driver, "dashboard-english")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/language'] button"))
    assert heading(driver) == "ダッシュボード"
    # Secretariat triage with buttons, without a script.
    secretariat = browsers(javascript=False)
    sign_in(secretariat, council, admin)
    secretariat.get(f"{council.base}/issues/{number}")
    submit(secretariat, secretariat.find_element(By.CSS_SELECTOR, "[data-testid=transition-triaged]"))
    assert secretariat.find_element(By.CSS_SELECTOR, "[data-testid=issue-state]").text == "受付済"


def test_every_page_passes_axe_and_is_saved_as_a_screenshot(council, cast, admin, browsers):
    number = create_issue(council, cast["vendor_a"]["token"], "アクセシビリティ確認の課題", body="本文\n二行目")["number"]
    driver = browsers()
    sign_in(driver, council, admin)
    pages = {
        "issues": "/issues",
        "issues-filtered": "/issues?state=new&business_area=juki",
        "issues-bad-filter": "/issues?due_before=yesterday",
        "issue-edit": f"/issues/{number}/edit",
        "account": "/account",
        "municipality": "/municipalities/011002",
        "vendor": f"/vendors/{cast['vendor_a']['organization']['id']}",
    }
    for name, path in pages.items():
        driver.get(council.base + path)
        WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
        screenshot(driver, name)
        check_accessibility(driver, name)
    # The English pages too (axe needs the page's JavaScript, so not in the script-less test).
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/language'] button"))
    for name, path in {"issues-english": "/issues", "dashboard-english": "/"}.items():
        driver.get(council.base + path)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        check_accessibility(driver, name)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/language'] button"))
    # Keyboard: the skip link is the first stop and leads to the main content.
    driver.get(council.base + "/issues")
    driver.find_element(By.TAG_NAME, "body").send_keys("\t")
    assert driver.switch_to.active_element.get_attribute("class") == "skip-link"


def test_a_person_chooses_a_daily_digest_on_the_account_page(council, cast, browsers):
    driver = browsers()
    sign_in(driver, council, cast["vendor_b"]["email"])
    driver.get(council.base + "/account")
    assert driver.find_element(By.ID, "mail-each").is_selected()
    driver.find_element(By.CSS_SELECTOR, "label[for=mail-digest]").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/account/notifications'] button[type=submit]"))
    assert driver.current_url == council.base + "/account?notifications=1"
    assert "通知の設定を保存しました" in driver.find_element(By.CLASS_NAME, "notice").text
    assert driver.find_element(By.ID, "mail-digest").is_selected()
    screenshot(driver, "account-notifications")
    check_accessibility(driver, "account-notifications")


def test_an_organization_administrator_adds_a_webhook_sees_its_secret_once_and_stops_it(council, cast, browsers):
    driver = browsers()
    sign_in(driver, council, cast["vendor_a"]["email"])
    driver.get(council.base + "/account")
    driver.find_element(By.CSS_SELECTOR, "main a[href='/webhooks']").click()
    assert heading(driver) == "Webhook の送信先"
    driver.find_element(By.ID, "url").send_keys("http://10.0.0.5/hook")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/webhooks'] button[type=submit]"))
    assert "https" in driver.find_element(By.ID, "error-summary").text
    screenshot(driver, "webhooks-refused")
    url = driver.find_element(By.ID, "url")
    url.clear()
    url.send_keys("https://tickets.vendor-a.example.jp/council")
    driver.find_element(By.CSS_SELECTOR, "label[for=scope-own]").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=event_types][value='issue.transitioned']").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/webhooks'] button[type=submit]"))
    secret = driver.find_element(By.CSS_SELECTOR, "[data-testid=secret]").text
    assert secret.startswith("whsec_")
    assert "自組織に関係するものだけ" in driver.page_source and "状態の変更" in driver.page_source
    screenshot(driver, "webhooks")
    check_accessibility(driver, "webhooks")
    driver.find_element(By.LINK_TEXT, "https://tickets.vendor-a.example.jp/council").click()
    assert secret not in driver.page_source, "the secret is shown once"
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/enabled'] button[type=submit]"))
    assert "停止中" in driver.find_element(By.CLASS_NAME, "facts").text
    screenshot(driver, "webhook")
    check_accessibility(driver, "webhook")
    # Another vendor cannot open it.
    other = browsers()
    sign_in(other, council, cast["vendor_b"]["email"])
    other.get(driver.current_url.split("?")[0])
    assert heading(other) == "ページが見つかりません"
