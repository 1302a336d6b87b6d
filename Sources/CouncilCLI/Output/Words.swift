import Foundation

/// The language of the CLI's own messages: Japanese under a Japanese locale or `COUNCIL_LANG=ja`,
/// or as `--lang` says (the same choice that asks the daemon for Japanese problems).
enum CLILanguage {
    /// Set once, from `--lang`, before any message is written (the CLI runs one command).
    nonisolated(unsafe) static var japanese = APIClient.language.hasPrefix("ja")
}

/// A message in the reader's language.
func words(_ english: String, ja japanese: String) -> String {
    CLILanguage.japanese ? japanese : english
}

/// Prints a message in the reader's language.
func say(_ english: String, ja japanese: String) {
    print(words(english, ja: japanese))
}
