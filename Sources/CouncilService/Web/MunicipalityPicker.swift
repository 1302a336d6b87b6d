/// Finds the 団体 a person typed into a form: a 団体コード (`011002`, also with the name after it,
/// as the picker's suggestions read), a name (`札幌市`), or a prefecture and a name
/// (`北海道 伊達市`) where the name alone is not unique. Anything else is refused with what to
/// type instead, naming the candidates.
struct MunicipalityPicker: Sendable {
    let store: MunicipalityStore

    enum Outcome: Sendable {
        case found(Municipality)
        case refused(String)
    }

    /// `within`: the prefecture chosen above the rows, which settles a name typed alone.
    func resolve(_ typed: String, within: PrefectureCode? = nil, language: PageLanguage) async throws -> Outcome {
        let text = JapaneseText.normalized(typed).trimmingCharacters(in: .whitespaces)
        let leading = String(text.prefix { $0.isASCII && $0.isNumber })
        if leading.count == 6 || leading.count == 5 {
            guard let code = MunicipalityCode(rawValue: leading), let found = try await store.municipality(code), found.active else {
                return .refused(language == .ja ? "団体コード \(leading) の団体はありません" : "no municipality has the code \(leading)")
            }
            return .found(found)
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "　" }).map(String.init)
        guard let name = parts.last, !name.isEmpty, name.count <= 50 else {
            return .refused(language == .ja ? "団体コードか団体名を入力してください" : "type a municipality code or name")
        }
        let prefecture = parts.count > 1 ? parts.dropLast().joined() : nil
        var filter = MunicipalityFilter(active: true, searchKey: JapaneseText.searchKey(name))
        filter.prefectures = prefecture == nil ? within.map { [$0] } ?? [] : []
        let candidates = try await store.municipalities(filter, page: Page(limit: 50, offset: 0)).items
        let exact = candidates.filter { candidate in
            (candidate.name == name || candidate.prefectureName + candidate.name == name)
                && (prefecture == nil || candidate.prefectureName == prefecture || candidate.prefectureName.hasPrefix(prefecture!))
        }
        if exact.count == 1 { return .found(exact[0]) }
        let shown = (exact.isEmpty ? candidates : exact).prefix(5).map { "\($0.prefectureName) \($0.name) (\($0.code.rawValue))" }
        if shown.isEmpty {
            return .refused(language == .ja ? "「\(typed)」に当たる団体はありません" : "no municipality matches '\(typed)'")
        }
        let list = shown.joined(separator: language == .ja ? "、" : ", ")
        return .refused(
            language == .ja ? "「\(typed)」は一つに決まりません。団体コードで入力してください: \(list)" : "'\(typed)' is not one municipality; type its code: \(list)")
    }
}
