import Foundation
import Hummingbird

/// Reading an uploaded file from a request body, with its content type and size checked.
enum UploadedFile {
    static func read(_ request: Request, context: CouncilRequestContext, accepting types: [String]) async throws -> Data {
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map {
            $0.trimmingHTTPWhitespace.lowercased()
        }
        guard let contentType, types.contains(contentType) else {
            throw Problem(
                .unsupportedMediaType,
                Reason(
                    "send the file as \(types.joined(separator: " or ")), not \(request.headers[.contentType] ?? "no Content-Type")",
                    ja: "ファイルは\(types.joined(separator: "か"))で送ってください（いまは\(request.headers[.contentType] ?? "Content-Typeなし")）"))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.tooLarge(context.maxUploadSize)
        }
        guard buffer.readableBytes > 0 else {
            throw Problem.invalid("body", SheetReason.emptyFile)
        }
        return Data(buffer.readableBytesView)
    }

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// A spreadsheet upload, an .xlsx workbook or a CSV file (UTF-8 or CP932), told apart by its
    /// content; one that is neither is a 422 that says what to send.
    static func readSheet(_ request: Request, context: CouncilRequestContext, encoding: CSVTextEncoding) async throws -> SheetSource {
        let data = try await read(request, context: context, accepting: ["text/csv", xlsxType, "application/octet-stream"])
        do {
            return try SheetSource.read(data, encoding: encoding)
        } catch {
            throw Problem(.undecodableFile, Reason(error.description + "; nothing was changed", ja: "ファイルを読めません（\(error.description)）。何も変更していません"))
        }
    }
}
