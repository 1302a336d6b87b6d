import Hummingbird

/// A vendor spreadsheet upload: the file (a workbook or CSV), whether it is a dry run, and the
/// products its rows may name (the caller's own; every vendor's for the secretariat).
struct Spreadsheet {
    let source: SheetSource
    let dryRun: Bool
    let products: [(id: Int, vendor: Int, name: String)]

    static func read(_ request: Request, context: CouncilRequestContext, products: ProductStore) async throws -> Spreadsheet {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: ["encoding", "dry_run"])
        let encoding = try parameters.value("encoding", as: CSVTextEncoding.self) ?? .auto
        let dryRun = try parameters.bool("dry_run") ?? false
        let source = try await UploadedFile.readSheet(request, context: context, encoding: encoding)
        let names = try await products.names(vendor: principal.isSecretariat ? nil : principal.organizationID)
        return Spreadsheet(source: source, dryRun: dryRun, products: names)
    }
}

/// Every bad line in one answer: the stores' rules run over the rows that read well even when
/// others did not (then as a dry run, so nothing is written), and the file's problems and the
/// rules' come back together in line order. Still all or nothing.
enum SheetImport {
    static func apply<Row, Outcome>(
        _ parsed: ParsedRows<Row>, dryRun: Bool, _ apply: (_ rows: [Row], _ dryRun: Bool) async throws -> Outcome
    ) async throws -> Outcome {
        let fileRejection = parsed.problems.rejection
        if let fileRejection, parsed.rows.isEmpty { throw fileRejection }
        let outcome: Outcome
        do {
            outcome = try await apply(parsed.rows, dryRun || fileRejection != nil)
        } catch let rejected as ImportRejected {
            throw fileRejection.map { $0.merged(with: rejected) } ?? rejected
        }
        if let fileRejection { throw fileRejection }
        return outcome
    }
}
