/// Every word the pages print, in Japanese and English, in one place. Templates name them as
/// `{{t.key}}`; a test checks that every key a template uses is here.
enum PageText {
    static let entries: [String: (ja: String, en: String)] = [
        // The shell
        "site_name": ("標準化事業者協議会 課題管理", "Standardization Vendor Council Tracker"),
        "skip_to_main": ("本文へ移動", "Skip to main content"),
        "nav_label": ("メインメニュー", "Main menu"),
        "nav_dashboard": ("ダッシュボード", "Dashboard"),
        "nav_issues": ("課題一覧", "Issues"),
        "nav_new_issue": ("新規課題", "New issue"),
        "nav_account": ("アカウント", "Account"),
        "sign_out": ("サインアウト", "Sign out"),
        "language": ("言語", "Language"),
        "switch_language": ("English", "日本語"),
        "signed_in_as": ("サインイン中", "Signed in as"),
        "footer_note": ("デジタル庁 地方公共団体情報システム標準化 事業者協議会", "Digital Agency — vendor council for standardized local government systems"),

        // Sign-in, passwords
        "sign_in": ("サインイン", "Sign in"),
        "sign_in_lead": ("協議会から届いたメールアドレスとパスワードでサインインしてください。", "Sign in with the e-mail address the council registered and your password."),
        "email": ("メールアドレス", "E-mail address"),
        "password": ("パスワード", "Password"),
        "sign_in_refused": ("メールアドレスまたはパスワードが正しくありません。", "The e-mail address or the password is not right."),
        "sign_in_locked": (
            "サインインの失敗が続いたため、しばらく受け付けません。15分ほど待ってからもう一度お試しください。", "Too many failed sign-ins: please wait about 15 minutes and try again."
        ),
        "signed_out": ("サインアウトしました。", "You are signed out."),
        "session_ended": ("セッションの期限が切れました。もう一度サインインしてください。", "Your session has ended. Please sign in again."),
        "set_password": ("パスワードの設定", "Set your password"),
        "set_password_lead": ("このリンクは一度だけ使えます。10文字以上のパスワードを決めてください。", "This link works once. Choose a password of at least 10 characters."),
        "new_password": ("新しいパスワード", "New password"),
        "new_password_hint": ("10文字以上（最大72バイト）。文字の種類の決まりはありません。", "At least 10 characters (at most 72 bytes); any characters."),
        "confirm_password": ("新しいパスワード（確認）", "New password again"),
        "current_password": ("現在のパスワード", "Current password"),
        "save_password": ("パスワードを保存", "Save password"),
        "change_password": ("パスワードの変更", "Change password"),
        "change_password_lead": ("変更すると、ほかのブラウザーのセッションはすべて終了します。", "Changing it ends your sessions in every other browser."),
        "password_changed": ("パスワードを変更しました。", "Your password was changed."),
        "current_password_wrong": ("現在のパスワードが正しくありません。", "The current password is not right."),
        "link_invalid": (
            "このリンクは使えません。使用済みか期限切れです。管理者に新しいリンクを依頼してください。",
            "This link cannot be used: it was used already or has expired. Ask an administrator for a new one."
        ),
        "password_too_short": ("パスワードは10文字以上にしてください。", "Use at least 10 characters."),
        "password_too_long": ("パスワードは72バイト以内にしてください（全角文字は1文字3バイト）。", "Use at most 72 bytes (a Japanese character is 3 bytes)."),
        "password_too_simple": ("同じ文字の繰り返しは使えません。", "A repetition of the same characters cannot be used."),
        "password_is_email": ("メールアドレスと同じパスワードは使えません。", "The password cannot be your e-mail address."),
        "password_mismatch": ("確認用のパスワードが一致しません。", "The two passwords differ."),
        "error_summary": ("入力内容を確認してください", "Please check what you entered"),

        // Errors
        "not_found": ("ページが見つかりません", "Page not found"),
        "not_found_lead": ("お探しのページは存在しないか、閲覧する権限がありません。", "The page does not exist, or you may not see it."),
        "forbidden": ("この操作はできません", "You cannot do this"),
        "csrf_refused": (
            "フォームの有効期限が切れたため、送信を受け付けませんでした。ページを開き直してもう一度送信してください。何も変更されていません。",
            "The form had expired, so it was not accepted. Open the page again and send it once more. Nothing was changed."
        ),
        "bad_request": ("入力を受け付けられません", "The request cannot be accepted"),
        "server_error": ("一時的に表示できません", "The page cannot be shown right now"),
        "server_error_lead": ("しばらくしてからもう一度お試しください。問い合わせの際はリクエストIDをお伝えください。", "Please try again shortly. Quote the request id when you report it."),
        "request_id": ("リクエストID", "Request id"),
        "back_to_dashboard": ("ダッシュボードへ戻る", "Back to the dashboard"),

        // Accounts
        "display_name": ("氏名", "Name"),
        "organization": ("所属", "Organization"),
        "role": ("役割", "Role"),

        // Issues
        "filter_issues": ("課題の絞り込み", "Filter issues"),
        "search_words": ("キーワード", "Words"),
        "more_filters": ("状態・重要度・業務・地域で絞り込む", "Filter by state, severity, business area, region"),
        "state": ("状態", "State"),
        "severity": ("重要度", "Severity"),
        "category": ("分類", "Category"),
        "business_area": ("業務", "Business area"),
        "prefecture": ("都道府県", "Prefecture"),
        "block": ("ブロック", "Block"),
        "any": ("すべて", "Any"),
        "apply_filters": ("絞り込む", "Apply"),
        "clear_filters": ("条件をクリア", "Clear"),
        "issues_count": ("件", "issues"),
        "download_csv": ("CSVでダウンロード", "Download CSV"),
        "download_xlsx": ("Excelでダウンロード", "Download Excel"),
        "number": ("番号", "No."),
        "title": ("件名", "Title"),
        "vendors": ("ベンダー", "Vendors"),
        "updated": ("更新日時", "Updated"),
        "created": ("登録日時", "Created"),
        "no_issues": ("条件に合う課題はありません。", "No issue matches."),
        "next_page": ("次の50件", "Next 50"),
        "description": ("内容", "Description"),
        "answer": ("回答", "Answer"),
        "affected_municipalities": ("影響を受ける団体", "Affected municipalities"),
        "comments": ("コメント", "Comments"),
        "no_comments": ("コメントはまだありません。", "No comments yet."),
        "edited": ("（編集済み）", "(edited)"),
        "add_comment": ("コメントを追加", "Add a comment"),
        "post_comment": ("コメントする", "Comment"),
        "history": ("履歴", "History"),
        "details": ("詳細", "Details"),
        "visibility": ("公開範囲", "Visibility"),
        "reporter": ("起票組織", "Reported by"),
        "assignee": ("担当組織", "Assigned to"),
        "due": ("期限", "Due"),
        "workflow": ("状態の変更", "Change the state"),
        "transition_comment": ("コメント（任意）", "Comment (optional)"),
        "answer_field": ("回答", "Answer"),
        "answer_hint": ("「解決」にするときは必須です。", "Required to resolve the issue."),
        "duplicate_of": ("重複先の課題番号", "Duplicate of issue no."),
        "duplicate_hint": ("「重複」にするときは必須です。", "Required to mark the issue a duplicate."),
        "action_refused": ("この操作は受け付けられませんでした", "This was not accepted"),
        "none": ("なし", "None"),
        "choose": ("選択してください", "Choose"),
        "choose_category": ("分類を選んでください。", "Choose a category."),
        "choose_severity": ("重要度を選んでください。", "Choose a severity."),
        "municipality": ("団体", "Municipality"),
        "municipality_hint": (
            "団体コード（6桁）か団体名を入力します。同じ名前の団体がある場合は「北海道 伊達市」のように都道府県名を付けてください。",
            "Type a 6-digit municipality code or a name; where a name is not unique, put the prefecture first (北海道 伊達市)."
        ),
        "impact": ("影響", "Impact"),
        "more_rows": ("入力欄を増やす", "More rows"),
        "report_issue": ("課題を登録", "Report the issue"),
        "edit_issue": ("課題の編集", "Edit the issue"),
        "save": ("保存", "Save"),
        "save_mine": ("自分の内容で保存", "Save my version"),
        "cancel": ("取り消し", "Cancel"),
        "conflict_title": ("他の人がこの課題を先に更新しました", "Someone else updated this issue first"),
        "conflict_lead": (
            "あなたの入力はまだ保存されていません。下のフォームに残っています。現在の内容と見比べて、必要なら直してから保存してください。",
            "Your changes are not saved yet; they are kept in the form below. Compare them with the current text, adjust if needed, and save."
        ),
        "conflict_theirs": ("現在の内容", "As it is now"),
        "conflict_mine": ("あなたの入力", "What you typed"),
        "conflict_mine_lead": ("あなたの入力は下のフォームにあります。保存すると現在の内容を置き換えます。", "What you typed is in the form below; saving replaces the current text."),

        // The issue timeline: events and fields
        "event_created": ("登録", "Reported"),
        "event_state_changed": ("状態の変更", "State changed"),
        "event_field_changed": ("項目の変更", "Field changed"),
        "event_comment_added": ("コメント", "Comment"),
        "event_comment_edited": ("コメントの編集", "Comment edited"),
        "event_attachment_added": ("ファイルの添付", "File attached"),
        "event_watcher_added": ("ウォッチャーの追加", "Watcher added"),
        "event_watcher_removed": ("ウォッチャーの削除", "Watcher removed"),
        "event_relation_added": ("関連の追加", "Relation added"),
        "event_relation_removed": ("関連の削除", "Relation removed"),
        "event_municipality_added": ("団体の追加", "Municipality added"),
        "event_municipality_removed": ("団体の削除", "Municipality removed"),
        "event_municipality_changed": ("団体の影響の変更", "Municipality impact changed"),
        "event_meeting_decision": ("協議会の決定", "Council decision"),
        "field_state": ("状態", "State"),
        "field_title": ("件名", "Title"),
        "field_body": ("内容", "Description"),
        "field_severity": ("重要度", "Severity"),
        "field_category": ("分類", "Category"),
        "field_visibility": ("公開範囲", "Visibility"),
        "field_answer": ("回答", "Answer"),
        "field_due_date": ("期限", "Due"),
        "field_labels": ("ラベル", "Labels"),
        "field_assignee_organization_id": ("担当組織", "Assigned to"),
        "field_vendor_ids": ("ベンダー", "Vendors"),
        "field_business_areas": ("業務", "Business areas"),

        // Dashboard
        "waiting_for_me": ("対応待ち", "Waiting for us"),
        "assigned_to_us": ("自組織が担当の未完了課題", "Open issues assigned to us"),
        "reported_by_us": ("自組織が起票した未完了課題", "Open issues we reported"),
        "see_all": ("すべて表示", "See all"),
        "tile_map_title": ("移行が阻害されている団体（都道府県別）", "Municipalities blocked, by prefecture"),
        "tile_map_lead": (
            "色は阻害されている団体の割合、数字は団体数です。都道府県を選ぶとその未完了課題を表示します。",
            "The colour is the share of municipalities blocked, the number how many. Choose a prefecture to see its open issues."
        ),
        "legend": ("凡例", "Legend"),
        "share_0": ("なし", "None"),
        "share_1": ("3%未満", "Under 3%"),
        "share_2": ("3〜10%", "3–10%"),
        "share_3": ("10〜25%", "10–25%"),
        "share_4": ("25%以上", "25% or more"),
        "as_table": ("表で見る", "Show as a table"),
        "blocked_municipalities": ("阻害されている団体", "Blocked"),
        "municipalities": ("団体数", "Municipalities"),
        "development_progress": ("業務別 開発状況（製品数）", "Development by business area (products)"),
        "total": ("合計", "Total"),
        "adoption_states": ("移行状況（団体×業務）", "Migration state (municipality × business area)"),
        "specified_support_by_reason": ("特定移行支援システム（事由別）", "Specified migration support, by reason"),
    ]

    /// The words of one language, keyed as templates name them.
    static let byLanguage: [PageLanguage: [String: String]] = [
        .ja: entries.mapValues(\.ja), .en: entries.mapValues(\.en),
    ]

    static func word(_ key: String, _ language: PageLanguage) -> String {
        guard let words = byLanguage[language], let word = words[key] else { preconditionFailure("no page text '\(key)'") }
        return word
    }
}
