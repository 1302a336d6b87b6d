import CouncilDatabase
import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import ServiceLifecycle

@testable import CouncilService

#if canImport(Glibc)
    import Glibc
#endif

/// A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request (headers and
/// body as received) and answers what `answer` says for the n-th request (0-based), after an
/// optional delay. Signatures are checked afterwards by `StandardWebhooksVerifier`.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let path: String
        let id: String
        let timestamp: String
        let signature: String
        let body: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var type: String? { json["type"] as? String }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var delay: Duration = .zero
        var headers: HTTPFields = [:]
    }

    private let received = NIOLockedValueBox<[Received]>([])
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    var requests: [Received] { received.withLockedValue { $0 } }

    func requests(_ path: String) -> [Received] { requests.filter { $0.path == path } }

    /// Each message once, in the order first received: delivery is at least once, so an attempt
    /// the sender gave up on (its timeout passed on a loaded machine) may arrive again, same id.
    var messages: [Received] {
        var seen: Set<String> = []
        return requests.filter { seen.insert($0.path + " " + $0.id).inserted }
    }

    func messages(_ path: String) -> [Received] { messages.filter { $0.path == path } }

    static func start(_ answer: @escaping @Sendable (_ index: Int, _ path: String) -> Answer = { _, _ in Answer() }) async throws -> WebhookReceiver {
        let box = NIOLockedValueBox<WebhookReceiver?>(nil)
        let router = Router()
        router.post("/{path}") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let record = Received(
                path: request.uri.path, id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                timestamp: request.headers[HTTPField.Name("webhook-timestamp")!] ?? "",
                signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "", body: String(buffer: body))
            let index = box.withLockedValue { receiver in
                receiver!.received.withLockedValue { list in
                    list.append(record)
                    return list.filter { $0.path == record.path }.count - 1
                }
            }
            let answer = answer(index, record.path)
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(string: "answer \(index)")))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: TestDatabases.logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: TestDatabases.logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ConfigurationError("the receiver did not start") }
        let receiver = WebhookReceiver(port: port, group: group, task: task)
        box.withLockedValue { $0 = receiver }
        return receiver
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// The reference implementation of Standard Webhooks (PyPI `standardwebhooks`, in the tests'
/// virtual environment) checks what the receiver got: the same algorithm written by others.
enum StandardWebhooksVerifier {
    /// For each request, whether the library accepts its signature with `secret`.
    static func verify(_ requests: [WebhookReceiver.Received], secret: String) throws -> [Bool] {
        let input = try JSONSerialization.data(
            withJSONObject: requests.map { ["id": $0.id, "timestamp": $0.timestamp, "signature": $0.signature, "body": $0.body] })
        let script = """
            import json, sys
            from standardwebhooks import Webhook
            hook = Webhook(sys.argv[1])
            results = []
            for r in json.load(open(sys.argv[2])):
                try:
                    hook.verify(r["body"], {"webhook-id": r["id"], "webhook-timestamp": r["timestamp"], "webhook-signature": r["signature"]})
                    results.append(True)
                except Exception:
                    results.append(False)
            print(json.dumps(results))
            """
        let output = try PythonRunner.run(script, arguments: [secret], input: input)
        return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Bool]) ?? []
    }
}

/// Runs a script with the tests' Python (`.venv-tests`, as `SpreadsheetWriter`).
enum PythonRunner {
    static func run(_ script: String, arguments: [String], input: Data) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appending(path: "council-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appending(path: "script.py"), data = directory.appending(path: "input.json")
        try script.write(to: source, atomically: true, encoding: .utf8)
        try input.write(to: data)
        let out = directory.appending(path: "stdout"), errors = directory.appending(path: "stderr")
        let pid = try spawnChild(
            SpreadsheetWriter.python, [source.path] + arguments + [data.path], environment: ["PATH": "/usr/bin:/bin"], stdout: out,
            stderr: errors)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard exitCode(waitStatus: status) == 0 else {
            throw SpreadsheetWriter.Failed(description: "python failed: \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        }
        return try String(contentsOf: out, encoding: .utf8)
    }
}
