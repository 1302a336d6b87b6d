import CouncilDatabase
import Foundation
import Hummingbird

/// 届出 by spreadsheet: adoptions or development status, in every format the imports take (.xlsx,
/// CSV in CP932 or UTF-8). The file is checked first — nothing written — and a preview shows the
/// counts of new, changed and unchanged rows, a sample of the changes and every refused line; only
/// the uploader can confirm it, which applies exactly the stored file unless the records it reads
/// changed since (then it is previewed again). Downloads of the current data and of empty templates
/// are the API's own exports.
struct UploadPages: Sendable {
    let uploads: SheetUploadStore
    let products: ProductStore
    let adoptionRoutes: AdoptionRoutes
    let statusRoutes: StatusRoutes

    static let sampleSize = 20

    struct FormModel: Sendable, Encodable {
        let kinds: [PageChoice]
        let encodings: [PageChoice]
        let vendorQuery: String
        var notice: String?
        var errors: [String] = []
    }

    struct PreviewModel: Sendable, Encodable {
        /// The stored upload a clean preview confirms.
        var id: Int?
        let kind: String
        let filename: String
        let rows: Int
        let new: Int
        let changed: Int
        let unchanged: Int
        let sample: [SampleRow]
        let problems: [ProblemRow]
        let problemTotal: Int
        let fingerprint: String
        let adoptions: Bool
        var notice: String?
    }

    struct SampleRow: Sendable, Encodable {
        let line: Int
        let subject: String
        let area: String
        let before: String
        let after: String
    }

    struct ProblemRow: Sendable, Encodable {
        let line: Int
        let column: String
        let reason: String
    }

    // MARK: The form

    func form(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        try Policy.authorize(.filer, principal)
        var model = formModel(page, principal)
        let query = page.request.uri.queryParameters
        if let rows = query["applied"].flatMap({ Int(String($0)) }) {
            model.notice = String(format: page.word("upload_applied"), rows)
        }
        return page.render("filing-upload", model)
    }

    private func formModel(
        _ page: PageRequest, _ principal: Principal, kind: SheetKind = .adoptions, encoding: CSVTextEncoding = .auto
    )
        -> FormModel
    {
        FormModel(
            kinds: SheetKind.allCases.map {
                PageChoice(value: $0.rawValue, label: page.word("upload_kind_" + $0.rawValue), checked: $0 == kind)
            },
            encodings: CSVTextEncoding.allCases.map {
                PageChoice(value: $0.rawValue, label: page.word("upload_encoding_" + $0.rawValue), checked: $0 == encoding)
            },
            vendorQuery: principal.organizationKind == .vendor ? "&vendor=\(principal.organizationID)" : "")
    }

    // MARK: Preview and confirmation

    func preview(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        try Policy.authorize(.filer, principal)
        let kind = page.form["kind"].flatMap(SheetKind.init(rawValue:)) ?? .adoptions
        let encoding = page.form["encoding"].flatMap(CSVTextEncoding.init(rawValue:)) ?? .auto
        guard let file = page.form.files["file"], file.bytes.readableBytes > 0 else {
            var model = formModel(page, principal, kind: kind, encoding: encoding)
            model.errors = [page.word("upload_no_file")]
            return page.render("filing-upload", model, status: .unprocessableContent)
        }
        let content = Data(file.bytes.readableBytesView)
        var model: PreviewModel
        do {
            model = try await check(kind, content, encoding: encoding, filename: file.filename, page, expecting: nil, apply: nil)
        } catch let unreadable as SheetSource.Unreadable {
            var form = formModel(page, principal, kind: kind, encoding: encoding)
            form.errors = [page.word("upload_unreadable") + " (\(unreadable.description))"]
            return page.render("filing-upload", form, status: .unprocessableContent)
        }
        if model.problems.isEmpty {
            let id = try await uploads.save(
                account: principal.accountID, kind: kind, filename: file.filename, encoding: encoding, content: content)
            model.id = id
        }
        return page.render("filing-preview", model, status: model.problems.isEmpty ? .ok : .unprocessableContent)
    }

    /// The preview again (the uploader's only: anyone else gets a 404 page).
    func show(_ page: PageRequest) async throws -> Response {
        let upload = try await own(page)
        var model = try await check(
            upload.kind, upload.content, encoding: upload.encoding, filename: upload.filename, page, expecting: nil, apply: nil)
        model.id = upload.id
        if upload.appliedAt != nil { model.notice = page.word("upload_already_applied") }
        return page.render("filing-preview", model)
    }

    func confirm(_ page: PageRequest) async throws -> Response {
        let upload = try await own(page)
        let fingerprint = page.form["fingerprint"] ?? ""
        do {
            let model = try await check(
                upload.kind, upload.content, encoding: upload.encoding, filename: upload.filename, page, expecting: fingerprint,
                apply: upload.id)
            return PageDispatcher.redirect(to: "/filings/upload?applied=\(model.new + model.changed)")
        } catch is PlanChanged {
            // The data moved since the preview: show the new preview (and its fingerprint) instead.
            var model = try await check(
                upload.kind, upload.content, encoding: upload.encoding, filename: upload.filename, page, expecting: nil, apply: nil)
            model.id = upload.id
            model.notice = page.word("upload_changed_since_preview")
            return page.render("filing-preview", model, status: .conflict)
        } catch is UploadAlreadyApplied {
            var model = formModel(page, try page.caller())
            model.notice = page.word("upload_already_applied")
            return page.render("filing-upload", model, status: .conflict)
        }
    }

    private func own(_ page: PageRequest) async throws -> SheetUploadStore.Upload {
        let principal = try page.caller()
        try Policy.authorize(.filer, principal)
        guard let upload = try await uploads.upload(try page.context.id("id"), of: principal.accountID) else {
            throw Problem.notFound(Reason("no such upload", ja: "そのアップロードはありません"))
        }
        return upload
    }

    /// Reads the file and runs every rule: as a dry run (`apply` nil), or for real on the upload's
    /// confirmation transaction. A file that is no spreadsheet at all throws `SheetSource.Unreadable`
    /// (a stored upload was read once already, so only a new one can).
    private func check(
        _ kind: SheetKind, _ content: Data, encoding: CSVTextEncoding, filename: String, _ page: PageRequest, expecting: String?,
        apply upload: Int?
    ) async throws -> PreviewModel {
        let principal = try page.caller()
        let actor = try page.auditActor()
        let source = try SheetSource.read(content, encoding: encoding)
        let names = try await products.names(vendor: principal.isSecretariat ? nil : principal.organizationID)
        let run = SheetRun(kind: kind, principal: principal, actor: actor, products: names, expecting: expecting)
        do {
            let summary: SheetRun.Summary
            switch kind {
            case .adoptions:
                let parsed = try await AdoptionSheet.read(try source.table(having: AdoptionSheet.required), products: names)
                summary = try await SheetImport.apply(parsed, dryRun: upload == nil) { rows, dryRun in
                    try await execute(upload, dryRun: dryRun) { try run.adoptions(rows, dryRun: dryRun, on: $0) }
                }
            case .status:
                let parsed = try StatusSheet.read(try source.table(having: StatusSheet.required), products: names)
                summary = try await SheetImport.apply(parsed, dryRun: upload == nil) { rows, dryRun in
                    try await execute(upload, dryRun: dryRun) { try run.status(rows, dryRun: dryRun, on: $0) }
                }
            }
            return model(kind, filename, summary, problems: [], total: 0, page)
        } catch let rejected as ImportRejected {
            let empty = SheetRun.Summary(rows: 0, new: 0, changed: 0, unchanged: 0, sample: [], fingerprint: "")
            return model(kind, filename, empty, problems: rejected.problems, total: rejected.total, page)
        }
    }

    /// A dry run rolls back; a confirmation claims the upload and writes on one transaction.
    private func execute(
        _ upload: Int?, dryRun: Bool, _ body: @escaping @Sendable (Connection) throws -> SheetRun.Summary
    ) async throws -> SheetRun.Summary {
        if let upload, !dryRun {
            guard let summary = try await uploads.confirm(upload, body) else { throw UploadAlreadyApplied() }
            return summary
        }
        return try await uploads.dryRun(body)
    }

    private func model(
        _ kind: SheetKind, _ filename: String, _ summary: SheetRun.Summary, problems: [ImportProblem], total: Int, _ page: PageRequest
    ) -> PreviewModel {
        PreviewModel(
            id: nil, kind: page.word("upload_kind_" + kind.rawValue), filename: filename, rows: summary.rows, new: summary.new,
            changed: summary.changed, unchanged: summary.unchanged,
            sample: summary.sample.map { line in
                SampleRow(
                    line: line.line, subject: line.subject, area: page.language.word(.businessArea, line.area.rawValue),
                    before: line.before.map { page.language.word(kind == .adoptions ? .adoptionState : .stage, $0) } ?? page.word("upload_new"),
                    after: page.language.word(kind == .adoptions ? .adoptionState : .stage, line.after) + (line.detail.map { "（\($0)）" } ?? ""))
            },
            problems: problems.map {
                ProblemRow(line: $0.line, column: $0.column ?? "", reason: page.language == .ja ? $0.japaneseReason ?? $0.reason : $0.reason)
            }, problemTotal: total,
            fingerprint: summary.fingerprint, adoptions: kind == .adoptions)
    }

    // MARK: Downloads: the API's exports, for the signed-in browser

    func adoptionsExport(_ page: PageRequest) async throws -> Response { try await adoptionRoutes.export(page.request, page.context) }
    func adoptionsTemplate(_ page: PageRequest) async throws -> Response { try await adoptionRoutes.template(page.request, page.context) }
    func statusExport(_ page: PageRequest) async throws -> Response { try await statusRoutes.export(page.request, page.context) }
    func statusTemplate(_ page: PageRequest) async throws -> Response { try await statusRoutes.template(page.request, page.context) }
}

/// The upload was confirmed already (twice pressed, or from another tab).
struct UploadAlreadyApplied: Error {}
