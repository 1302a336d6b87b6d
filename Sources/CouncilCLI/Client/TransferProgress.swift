import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A progress bar on a terminal's stderr for uploads and downloads; silent when not a terminal.
final class TransferProgress: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let label: String
    let enabled: Bool
    private let lock = NSLock()
    private var received = Data()
    private var continuation: CheckedContinuation<(Data, URLResponse), any Error>?
    private var response: URLResponse?
    private var lastDrawn = Date.distantPast

    init(_ label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    private var policy = ConnectionPolicy(insecure: false)

    func run(_ request: URLRequest, body: Data?, policy: ConnectionPolicy) async throws -> (Data, URLResponse) {
        lock.withLock { self.policy = policy }
        let session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            lock.withLock { self.continuation = continuation }
            let task = body.map { session.uploadTask(with: request, from: $0) } ?? session.dataTask(with: request)
            task.resume()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        let policy = lock.withLock { self.policy }
        completionHandler(policy.allowsRedirect(from: task.originalRequest?.url, to: request.url) ? request : nil)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64, totalBytesSent: Int64,
        totalBytesExpectedToSend: Int64
    ) {
        draw("↑ \(label)", done: totalBytesSent, total: totalBytesExpectedToSend)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { self.response = response }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let (count, expected) = lock.withLock { () -> (Int, Int64) in
            received.append(data)
            return (received.count, response?.expectedContentLength ?? -1)
        }
        draw("↓ \(label)", done: Int64(count), total: expected)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, data, response) = lock.withLock { () -> (CheckedContinuation<(Data, URLResponse), any Error>?, Data, URLResponse?) in
            defer { self.continuation = nil }
            return (self.continuation, received, self.response ?? task.response)
        }
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let error {
            continuation?.resume(throwing: error)
        } else if let response {
            continuation?.resume(returning: (data, response))
        } else {
            continuation?.resume(throwing: URLError(.badServerResponse))
        }
    }

    private func draw(_ text: String, done: Int64, total: Int64) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) > 0.1 || (total > 0 && done >= total) else { return }
        lastDrawn = now
        var line = "\r\(text) "
        if total > 0 {
            let fraction = min(Double(done) / Double(total), 1)
            let filled = Int(fraction * 30)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
            line += String(format: "%3.0f%% ", fraction * 100)
        }
        line += "\(done / 1024) KiB"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
