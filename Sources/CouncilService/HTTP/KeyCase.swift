import Foundation
import NIOConcurrencyHelpers

/// The API's one key convention, used by every encoder and decoder (the CLI's too): Swift's
/// `dueDate`, `organizationID`, `vendorIDs` are JSON's `due_date`, `organization_id`,
/// `vendor_ids`. Foundation's snake-case strategies would write `vendorIDs` as `vendor_i_ds` and
/// read `organization_id` as `organizationID`, which forced two spellings of "ID" in Swift.
package enum KeyCase {
    /// Converted keys, kept: the same few hundred CodingKeys are written over and over.
    private static let snakeCache = NIOLockedValueBox([String: String]())

    /// `organizationID` → `organization_id`; otherwise Foundation's `convertToSnakeCase`.
    package static func snake(_ key: String) -> String {
        if let known = snakeCache.withLockedValue({ $0[key] }) { return known }
        let converted = convertToSnakeCase(wordingIDs(key))
        snakeCache.withLockedValue { cache in
            if cache.count < 4096 { cache[key] = converted }
        }
        return converted
    }

    /// `organization_id` → `organizationID`, `vendor_ids` → `vendorIDs`, `due_date` → `dueDate`.
    package static func camel(_ key: String) -> String {
        let words = key.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = words.first, words.count > 1 else { return key }
        return String(first)
            + words.dropFirst().map { word in
                switch word {
                case "id": "ID"
                case "ids": "IDs"
                default: word.prefix(1).uppercased() + word.dropFirst()
                }
            }.joined()
    }

    /// A key strategy for `JSONEncoder`.
    package static let encoding = JSONEncoder.KeyEncodingStrategy.custom { path in
        Key(snake(path.last?.stringValue ?? ""))
    }

    /// A key strategy for `JSONDecoder`.
    package static let decoding = JSONDecoder.KeyDecodingStrategy.custom { path in
        Key(camel(path.last?.stringValue ?? ""))
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `vendorIDs` → `vendorIDs`, `organizationID` → `organizationID`: "ID" spelled as one word
    /// when it ends the key or another word follows.
    private static func wordingIDs(_ key: String) -> String {
        guard key.contains("ID") else { return key }
        let characters = Array(key)
        var result = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "I", index + 1 < characters.count, characters[index + 1] == "D" {
                let next = index + 2 < characters.count ? characters[index + 2] : nil
                if next == nil || next!.isUppercase || next == "s" {
                    result += "Id"
                    index += 2
                    continue
                }
            }
            result.append(characters[index])
            index += 1
        }
        return result
    }

    /// Foundation's algorithm, on Unicode scalars: a word ends before an uppercase letter; a run
    /// of capitals followed by a lowercase letter is a word of its own but for its last capital.
    static func convertToSnakeCase(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        guard !scalars.isEmpty else { return key }
        func firstIndex(from start: Int, where test: (Unicode.Scalar) -> Bool) -> Int? {
            var index = start
            while index < scalars.count {
                if test(scalars[index]) { return index }
                index += 1
            }
            return nil
        }
        let isUpper: (Unicode.Scalar) -> Bool = { $0.properties.isUppercase }
        let isLower: (Unicode.Scalar) -> Bool = { $0.properties.isLowercase }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        while let upper = firstIndex(from: searchStart, where: isUpper) {
            words.append(wordStart..<upper)
            guard let lower = firstIndex(from: upper, where: isLower) else {
                wordStart = upper
                searchStart = scalars.count
                break
            }
            if lower == upper + 1 {
                wordStart = upper
                searchStart = upper + 1
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
                searchStart = lower + 1
            }
        }
        words.append(wordStart..<scalars.count)
        return words.map { range in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[range])
            return String(word).lowercased()
        }.joined(separator: "_")
    }
}
