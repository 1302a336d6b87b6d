/// The content type of an uploaded file, decided from its first bytes — never from the client's
/// Content-Type or the file's name alone, and never one a browser would run (HTML, SVG, script):
/// such a file is served as plain text or bytes, always as a download.
enum ContentSniffer {
    static func contentType(head: [UInt8], filename: String) -> String {
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        let ext = filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if head.count >= 12, starts(Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // A ZIP: an Office file names its kind only inside; the extension picks among them.
            switch ext {
            case "xlsx": return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            case "pptx": return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            default: return "application/zip"
            }
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            switch ext {
            case "xls": return "application/vnd.ms-excel"
            case "doc": return "application/msword"
            default: return "application/x-ole-storage"
            }
        }
        if !head.contains(0), String(validating: head, as: UTF8.self) != nil || isUTF8CutShort(head) {
            return ext == "csv" ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8"
        }
        return "application/octet-stream"
    }

    /// Valid UTF-8 but for a character cut by the end of the sniffed bytes.
    private static func isUTF8CutShort(_ head: [UInt8]) -> Bool {
        for cut in 1...3 where head.count > cut {
            if String(validating: head.dropLast(cut), as: UTF8.self) != nil { return true }
        }
        return false
    }
}
