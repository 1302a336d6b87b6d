import Foundation
import Hummingbird

/// `POST /v1/mail/bounces`: a delivery status notification a mail server returned, as the mail
/// system received it (`council notifications bounce` pipes it from the bounce mailbox). Secretariat
/// administrators only; what it records is `MailBounceStore`'s.
struct MailBounceRoutes: Sendable {
    let store: MailBounceStore

    static let accepted = ["message/rfc822", "multipart/report"]

    func record(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let data = try await UploadedFile.read(request, context: context, accepting: Self.accepted)
        let report = try DeliveryStatusReport(String(decoding: data, as: UTF8.self))
        let outcome = try await store.record(report, by: try context.auditActor())
        context.logger.info("bounce report: \(outcome.recorded) of \(outcome.recipients.count) recipients recorded")
        return try .json(outcome)
    }
}
