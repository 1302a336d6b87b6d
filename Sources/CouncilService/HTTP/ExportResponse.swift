import Foundation
import Hummingbird

/// An export as the caller asked for it: `format=csv` (the default; `encoding=utf8` with a BOM, or
/// `cp932` for older Excel) or `format=xlsx`. Every export endpoint answers through here.
enum ExportResponse {
    /// The query parameters every export reads.
    static let parameters: Set<String> = ["format", "encoding"]

    static func make(_ table: ExportTable, _ parameters: QueryParameters, filename: String) throws -> Response {
        let format = try parameters.value("format", as: ExportFormat.self) ?? .csv
        let encoding = try parameters.value("encoding", as: CSVTextEncoding.self) ?? .utf8
        switch format {
        case .csv:
            let data: Data
            do {
                data = try CSVWriter.encode(table, encoding: encoding)
            } catch {
                throw Problem.unprocessable(
                    "encoding", Reason(error.description, ja: "CP932で表せない文字があります。utf8で書き出してください"))
            }
            let charset = encoding == .cp932 ? "Shift_JIS" : "utf-8"
            return response(data, type: "text/csv; charset=\(charset)", filename: filename + ".csv")
        case .xlsx:
            return response(try WorkbookWriter.encode(table), type: UploadedFile.xlsxType, filename: filename + ".xlsx")
        }
    }

    private static func response(_ data: Data, type: String, filename: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
