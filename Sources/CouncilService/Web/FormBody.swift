import Hummingbird
import MultipartKit

/// A posted HTML form (`application/x-www-form-urlencoded`): every value of every name, in order,
/// so repeated fields (several 団体) keep all their values. Text must decode to UTF-8 without NUL.
/// A page that takes files reads `multipart/form-data` instead: its text fields the same way, its
/// files in `files`.
struct FormBody: Sendable {
    private(set) var values: [String: [String]] = [:]
    private(set) var files: [String: UploadedPart] = [:]

    /// A file a form sent: the name the browser gave it and its bytes.
    struct UploadedPart: Sendable {
        let filename: String
        let bytes: ByteBuffer
    }

    /// Forms are small; a larger body is refused before it is read.
    static let maxSize = 1 << 20
    /// A form with a file (a spreadsheet) may be as large as an API upload.
    static let maxUploadSize = Endpoint.maxUpload

    init() {}

    init(_ text: String) throws {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], field: "form")
            let value = try Self.decode(parts.count > 1 ? parts[1] : "", field: name)
            values[name, default: []].append(value)
        }
    }

    static func read(_ request: Request, takingFiles: Bool = false) async throws -> FormBody {
        let type = request.headers[.contentType] ?? ""
        if takingFiles, type.lowercased().hasPrefix("multipart/form-data") {
            return try await readMultipart(request, contentType: type)
        }
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(
                .unsupportedMediaType,
                takingFiles
                    ? Reason(
                        "send the form as application/x-www-form-urlencoded or multipart/form-data",
                        ja: "フォームは application/x-www-form-urlencoded か multipart/form-data で送ってください")
                    : Reason("send the form as application/x-www-form-urlencoded", ja: "フォームは application/x-www-form-urlencoded で送ってください"))
        }
        let buffer = try await collect(request, upTo: maxSize)
        return try FormBody(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    private static func collect(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw Problem.tooLarge(limit) }
        do { return try await request.body.collect(upTo: limit) } catch { throw Problem.tooLarge(limit) }
    }

    /// `multipart/form-data` (RFC 7578), parsed by MultipartKit: text parts become values, parts
    /// with a filename become files. Only parts the body closes count; a cut-off body is refused.
    private static func readMultipart(_ request: Request, contentType: String) async throws -> FormBody {
        guard let boundary = HeaderParameter.value("boundary", of: contentType), !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw Problem.invalid("form", Reason("the multipart form names no boundary", ja: "マルチパートのフォームに boundary がありません"))
        }
        let body = try await collect(request, upTo: maxUploadSize)
        var form = FormBody()
        var headers: [(String, String)] = []
        var content = ByteBuffer()
        var parts: [(headers: [(String, String)], content: ByteBuffer)] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = []
            content = ByteBuffer()
        }
        do { try parser.execute(body) } catch { throw Problem.invalid("form", Reason("the multipart form cannot be read", ja: "マルチパートのフォームを読めません")) }
        guard !parts.isEmpty else { throw Problem.invalid("form", Reason("the multipart form has no complete part", ja: "マルチパートのフォームに完全なパートがありません")) }
        for part in parts {
            guard let disposition = part.headers.first(where: { $0.0.lowercased() == "content-disposition" })?.1,
                let name = HeaderParameter.value("name", of: disposition)
            else { throw Problem.invalid("form", Reason("a part of the form has no name", ja: "フォームのパートに名前がありません")) }
            if let filename = HeaderParameter.value("filename", of: disposition) {
                form.files[name] = UploadedPart(filename: filename, bytes: part.content)
            } else {
                guard let text = String(validating: part.content.readableBytesView, as: UTF8.self), !text.utf8.contains(0) else {
                    throw Problem.invalid(name, Reason("not valid UTF-8 text", ja: "UTF-8の文字列として読めません"))
                }
                form.values[name, default: []].append(text)
            }
        }
        return form
    }

    /// The first value of `name`, trimmed of nothing: what the person typed.
    subscript(_ name: String) -> String? { values[name]?.first }

    func all(_ name: String) -> [String] { values[name] ?? [] }

    private static func decode(_ raw: Substring, field: String) throws -> String {
        var bytes: [UInt8] = []
        var utf8 = raw.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            throw Problem.invalid(field, Reason("not valid UTF-8 text after percent-decoding", ja: "パーセントエンコードを戻すとUTF-8の文字列になりません"))
        }
        return text
    }
}
