import ArgumentParser
import CouncilService

/// A date option as people type it (2026/3/31, 令和8年3月31日, R8.3.31 ...), sent as 2026-03-31.
func isoDate(_ text: String?, option: String) throws -> String? {
    guard let text else { return nil }
    guard let iso = TypedDate.isoDate(text) else {
        throw ValidationError(
            words(
                "--\(option): '\(text)' is not a date such as \(TypedDate.dateForms)",
                ja: "--\(option): 「\(text)」は日付ではありません（\(TypedDate.dateForms) のように書いてください）"))
    }
    return iso
}
