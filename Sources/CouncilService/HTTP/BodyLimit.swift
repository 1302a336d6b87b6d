import Hummingbird

/// Each operation's body limit, applied before anything reads the body: a declared length over
/// it is refused at once, and readers stop at it (`collect(upTo:)`) when the length is not declared.
enum BodyLimit {
    static func check(_ request: Request, _ endpoint: Endpoint) throws {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > endpoint.maxBody {
            throw Problem.tooLarge(endpoint.maxBody)
        }
    }
}

extension Problem {
    static func tooLarge(_ limit: Int) -> Problem {
        Problem(.tooLarge, RequestReason.bodyLimited(to: limit))
    }
}
