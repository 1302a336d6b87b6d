import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Security review, finding 3: no exported cell is a live formula, and imports read back what
/// exports wrote.
@Suite struct FormulaInjectionTests {
    static let formulas = ["=HYPERLINK(\"http://evil.example\",\"詳細\")", "+1+1", "-2+3", "@SUM(1)", "\tタブ", "'=既に引用"]

    @Test func cellsAreNeutralizedAndRestored() {
        for text in Self.formulas {
            let written = SpreadsheetCell.neutralized(text)
            #expect(written.hasPrefix("'"), "\(text)")
            #expect(SpreadsheetCell.restored(written) == text)
        }
        for text in ["普通の備考", "'引用符だけ", "", "123", "a=b"] {
            #expect(SpreadsheetCell.neutralized(text) == text)
            #expect(SpreadsheetCell.restored(text) == text)
        }
        // A CR LF inside a field is quoted (it is one Character in Swift, equal to neither CR nor LF).
        #expect(CSVWriter.quote("一行目\r\n二行目") == "\"一行目\r\n二行目\"")
    }

    @Test func exportsWriteNoFormulaAndImportsReadTheirExports() async throws {
        try await withApp { client, env in
            let asA = env.headers(.vendorA, [.contentType: "application/json"])
            let codes = ["011002", "131016", "013030", "011002", "141305", "010006"]
            let areas = ["juki", "juki", "juki", "kokuho", "juki", "seikatsu_hogo"]
            for (index, note) in Self.formulas.enumerated() {
                let body: [String: Any] = ["product_id": env.ids.productA.id, "state": "planned", "note": note]
                let put = try await client.execute(
                    uri: "/v1/adoptions/\(codes[index])/\(areas[index])", method: .put, headers: asA,
                    body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
                ) { $0 }
                #expect(put.status == .created, "\(put.text)")
            }
            try await env.issue("=HYPERLINK(\"http://evil.example\",\"見る\")")
            for path in ["/v1/adoptions/export", "/v1/issues/export", "/v1/development-status/export"] {
                let response = try await env.send(client, .get, path, as: .vendorA)
                #expect(response.status == .ok)
                let records = try CSVReader.records(in: String(String(buffer: response.body).dropFirst()))  // after the BOM
                for cell in records.flatMap(\.fields) {
                    #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.unicodeScalars.first.map(Character.init)), "\(path): \(cell)")
                }
            }
            let export = try await env.send(client, .get, "/v1/adoptions/export", as: .vendorA)
            #expect(String(buffer: export.body).contains("'=HYPERLINK("))
            let reimport = try await client.execute(
                uri: "/v1/adoptions/import", method: .post,
                headers: env.headers(.vendorA, [.contentType: "text/csv"]), body: export.body
            ) { $0 }
            #expect(try reimport.json["unchanged"] as? Int == Self.formulas.count, "\(reimport.text)")
            let note = try await env.send(client, .get, "/v1/adoptions/011002/juki", as: .vendorA)
            #expect(try note.json["note"] as? String == Self.formulas[0])
        }
    }
}
