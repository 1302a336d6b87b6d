import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// Gives every request an id of ours (this process's random prefix and a counter: unique without
/// a random number per request). The caller's `X-Request-Id`, when it is a sane token, is used
/// in its place in log lines and the response header, so the client finds its request; the
/// audit log keeps both, the client's marked as such.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = CouncilRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let own = Self.next()
        let client = request.headers[Self.header].flatMap { Self.isAcceptable($0) ? $0 : nil }
        let id = client ?? own
        context.requestID = id
        context.ownRequestID = own
        context.clientRequestID = client
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        if client != nil { context.logger[metadataKey: "council.own_request_id"] = .string(own) }
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }

    private static let prefix = String(UInt32.random(in: .min ... .max), radix: 16)
    private static let counter = NIOLockedValueBox<UInt64>(0)

    static func next() -> String {
        let number = counter.withLockedValue { value -> UInt64 in
            value &+= 1
            return value
        }
        return "\(prefix)-\(String(number, radix: 16))"
    }

    static func isAcceptable(_ value: String) -> Bool {
        (1...128).contains(value.utf8.count)
            && value.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F
            }
    }
}
