import Foundation
import Hummingbird

/// Reading an uploaded file from a request body, with its content type and size checked.
enum UploadedFile {
    static func read(_ request: Request, context: CouncilRequestContext, accepting types: [String]) async throws -> Data {
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let contentType, types.contains(contentType) else {
            throw Problem(
                .unsupportedMediaType,
                detail: "send the file as \(types.joined(separator: " or ")), not \(request.headers[.contentType] ?? "no Content-Type")")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.tooLarge(context.maxUploadSize)
        }
        guard buffer.readableBytes > 0 else {
            throw Problem.invalid("body", "the file is empty")
        }
        return Data(buffer.readableBytesView)
    }

    /// A CSV upload decoded to text (UTF-8 or CP932); an undecodable file is a 422.
    static func readText(
        _ request: Request, context: CouncilRequestContext, encoding: CSVTextEncoding
    ) async throws -> (text: String, encoding: CSVTextEncoding) {
        let data = try await read(request, context: context, accepting: ["text/csv", "application/octet-stream"])
        do {
            return try encoding.decode(data)
        } catch {
            throw Problem(.undecodableFile, detail: error.description + "; nothing was changed")
        }
    }

    static func csvResponse(_ data: Data, encoding: CSVTextEncoding, filename: String) -> Response {
        let charset = encoding == .cp932 ? "Shift_JIS" : "utf-8"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=\(charset)", .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A vendor spreadsheet upload: the decoded text, whether it is a dry run, and the products its
/// rows may name (the caller's own; every vendor's for the secretariat).
struct Spreadsheet {
    let text: String
    let dryRun: Bool
    let products: [(id: Int, vendor: Int, name: String)]

    static func read(_ request: Request, context: CouncilRequestContext, products: ProductStore) async throws -> Spreadsheet {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: ["encoding", "dry_run"])
        let encoding = try parameters.value("encoding", as: CSVTextEncoding.self) ?? .auto
        let dryRun = try parameters.bool("dry_run") ?? false
        let text = try await UploadedFile.readText(request, context: context, encoding: encoding)
        let names = try await products.names(vendor: principal.isSecretariat ? nil : principal.organizationID)
        return Spreadsheet(text: text.text, dryRun: dryRun, products: names)
    }
}
