import Foundation

@testable import CouncilService

#if canImport(Glibc)
    import Glibc
#endif

/// A real SMTP server for the mail tests: aiosmtpd (PyPI, in the tests' virtual environment) on
/// 127.0.0.1, keeping every message it accepts; optionally STARTTLS with a certificate from a
/// throwaway CA (trustme) and AUTH, and a recipient it refuses with 550. The messages are read
/// back with Python's own `email` parser, so headers are decoded by someone else's code.
final class MailCatcher: Sendable {
    struct Message: Sendable {
        let mailFrom: String
        let recipients: [String]
        let headers: [String: String]
        let rawHeaders: String
        let subject: String
        let body: String
        let login: String?
    }

    let port: Int
    let directory: URL
    /// The throwaway CA's certificate, when TLS is on.
    let caFile: String?
    private let pid: pid_t

    private init(port: Int, directory: URL, caFile: String?, pid: pid_t) {
        self.port = port
        self.directory = directory
        self.caFile = caFile
        self.pid = pid
    }

    static let server = """
        import asyncio, json, os, sys, time, uuid
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        directory, refuse, tls, credentials = sys.argv[1], sys.argv[2], sys.argv[3] == "tls", sys.argv[4]
        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address == refuse:
                    return "550 5.1.1 no such user here"
                envelope.rcpt_tos.append(address)
                return "250 OK"
            async def handle_DATA(self, server, session, envelope):
                login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else (session.auth_data.login.decode() if session.auth_data else None)
                record = {"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.original_content.decode("utf-8", "replace"), "login": login}
                path = os.path.join(directory, "%f-%s.json" % (time.time(), uuid.uuid4().hex))
                with open(path + ".tmp", "w") as f:
                    json.dump(record, f)
                os.rename(path + ".tmp", path)
                return "250 Message accepted"
        def authenticator(server, session, envelope, mechanism, auth_data):
            user, password = credentials.split(":", 1) if credentials else ("", "")
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)
        kwargs = {}
        if tls:
            import ssl, trustme
            ca = trustme.CA()
            cert = ca.issue_cert("localhost", "127.0.0.1")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(context)
            ca.cert_pem.write_to_path(os.path.join(directory, "ca.pem"))
            kwargs = dict(tls_context=context, require_starttls=True)
        if credentials:
            kwargs.update(authenticator=authenticator, auth_require_tls=tls)
        import socket
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        with open(os.path.join(directory, "port.tmp"), "w") as f:
            f.write(str(port))
        os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
        while True:
            time.sleep(3600)
        """

    static let reader = """
        import email, json, os, sys
        from email import policy
        directory = sys.argv[1]
        out = []
        for name in sorted(n for n in os.listdir(directory) if n.endswith(".json")):
            record = json.load(open(os.path.join(directory, name)))
            message = email.message_from_string(record["data"], policy=policy.default)
            raw_headers = record["data"].split("\\r\\n\\r\\n", 1)[0]
            out.append({"from": record["from"], "to": record["to"], "login": record["login"], "raw_headers": raw_headers,
                        "headers": {k: str(v) for k, v in message.items()}, "subject": str(message["Subject"]),
                        "body": message.get_content()})
        print(json.dumps(out))
        """

    static func start(refusing refused: String = "", tls: Bool = false, credentials: String = "") async throws -> MailCatcher {
        let directory = FileManager.default.temporaryDirectory.appending(path: "council-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appending(path: "server.py")
        try server.write(to: script, atomically: true, encoding: .utf8)
        let pid = try spawnChild(
            SpreadsheetWriter.python, [script.path, directory.path, refused, tls ? "tls" : "plain", credentials],
            environment: ["PATH": "/usr/bin:/bin"],
            stdout: directory.appending(path: "server.out"), stderr: directory.appending(path: "server.err"))
        let portFile = directory.appending(path: "port")
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: portFile.path) {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                throw SpreadsheetWriter.Failed(
                    description:
                        "aiosmtpd did not start: \((try? String(contentsOf: directory.appending(path: "server.err"), encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let port = Int(try String(contentsOf: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return MailCatcher(port: port, directory: directory, caFile: tls ? directory.appending(path: "ca.pem").path : nil, pid: pid)
    }

    /// Every message received so far, parsed.
    func messages() throws -> [Message] {
        let output = try PythonRunner.run(Self.reader, arguments: [directory.path], input: Data())
        let items = (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]]) ?? []
        return items.map { item in
            Message(
                mailFrom: item["from"] as? String ?? "", recipients: item["to"] as? [String] ?? [],
                headers: item["headers"] as? [String: String] ?? [:], rawHeaders: item["raw_headers"] as? String ?? "",
                subject: item["subject"] as? String ?? "",
                body: (item["body"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n"), login: item["login"] as? String)
        }
    }

    func messages(to address: String) throws -> [Message] { try messages().filter { $0.recipients.contains(address) } }

    /// How many messages arrived (without parsing them).
    var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }
}
