/// Whether a text says something in Japanese: it has kana or kanji (an English sentence that
/// only quotes a Japanese value, such as "'札幌' is not an id", does not count: it needs kana).
enum JapaneseWords {
    static func contains(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x3041...0x30FF).contains($0.value) }
    }
}
