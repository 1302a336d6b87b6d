import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads `GET /v1/events/stream` as it arrives (a URLSession data delegate: the body never ends
/// while following) and yields each event; the caller reconnects with the last id.
final class EventStreamReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Event: Sendable {
        let id: String
        let type: String
        let data: String
    }

    private let request: URLRequest
    private let policy: ConnectionPolicy
    private var buffer = Data()
    private var continuation: AsyncThrowingStream<Event, any Error>.Continuation?
    private var status = 0
    private var errorBody = Data()

    init(api: APIClient, query: [URLQueryItem], lastEventID: String?) {
        var components = URLComponents(url: api.baseURL.appending(path: "v1/events/stream"), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.timeoutInterval = 60  // heartbeats come every 15 s
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue(api.language, forHTTPHeaderField: "Accept-Language")
        if let token = api.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let lastEventID { request.setValue(lastEventID, forHTTPHeaderField: "Last-Event-ID") }
        self.request = request
        self.policy = api.policy
    }

    func events() -> AsyncThrowingStream<Event, any Error> {
        AsyncThrowingStream { continuation in
            self.continuation = continuation
            let session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)
            let task = session.dataTask(with: request)
            continuation.onTermination = { _ in
                task.cancel()
                session.invalidateAndCancel()
            }
            task.resume()
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        completionHandler(.allow)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(policy.allowsRedirect(from: task.originalRequest?.url, to: request.url) ? request : nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard (200..<300).contains(status) else {
            errorBody.append(data)
            return
        }
        buffer.append(data)
        // Events end with an empty line.
        while let end = buffer.range(of: Data("\n\n".utf8)) {
            let block = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex..<end.upperBound)
            var id = "", type = "", payload = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { payload = String(line.dropFirst(6)) }
            }
            if !type.isEmpty { continuation?.yield(Event(id: id, type: type, data: payload)) }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if !(200..<300).contains(status) && error == nil {
            printError(ProblemText.render(status: status, body: errorBody))
            continuation?.finish(throwing: ExitCode(status >= 500 ? 70 : 1))
        } else if let error {
            continuation?.finish(throwing: error)
        } else {
            continuation?.finish()
        }
        session.finishTasksAndInvalidate()
    }
}
