import ArgumentParser
import CouncilService
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the daemon is and who calls it: flags, then COUNCIL_URL / COUNCIL_TOKEN, then the file
/// `council login` wrote, then the daemon's default local address.
struct ClientOptions: ParsableArguments {
    @Option(help: "Base URL of the Council daemon (COUNCIL_URL, else `council login`, else http://127.0.0.1:8080).")
    var url: String?
    @Option(help: "API token (COUNCIL_TOKEN, else `council login`); prefer those, so it stays out of shell history.")
    var token: String?
    @Flag(help: "Allow plain http to another machine and redirects to another origin (the token goes along).")
    var insecure = false
    @Option(help: "ja or en: the language of messages, the CLI's and the daemon's (default: from COUNCIL_LANG or the locale).")
    var lang: String?

    func client() throws -> APIClient {
        let environment = ProcessInfo.processInfo.environment
        let saved = LoginFile.read()
        let text = url ?? environment["COUNCIL_URL"] ?? saved?.url ?? "http://127.0.0.1:8080"
        guard let base = URL(string: text), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            printError(words("'\(text)' is not an http(s) URL (--url or COUNCIL_URL)", ja: "「\(text)」は http(s) のURLではありません（--url か COUNCIL_URL）"))
            throw ExitCode(64)
        }
        let policy = ConnectionPolicy(insecure: insecure)
        if let refusal = policy.refusal(base) {
            printError(refusal)
            throw ExitCode(64)
        }
        let secret = token ?? environment["COUNCIL_TOKEN"] ?? saved?.token
        guard lang == nil || ["ja", "en"].contains(lang!) else { throw ValidationError(words("--lang is ja or en", ja: "--lang は ja か en です")) }
        if let lang { CLILanguage.japanese = lang == "ja" }
        return APIClient(
            baseURL: base, token: secret.flatMap { $0.isEmpty ? nil : $0 }, policy: policy,
            language: lang.map { $0 == "ja" ? "ja, en;q=0.5" : "en, ja;q=0.5" } ?? APIClient.language)
    }
}

/// A thin client of the HTTP API. Failures are printed from the server's problem+json and
/// turned into the documented exit codes.
struct APIClient {
    let baseURL: URL
    let token: String?
    var policy = ConnectionPolicy(insecure: false)
    /// The Accept-Language sent with every request.
    var language = APIClient.language

    struct Answer {
        let data: Data
        let headers: [String: String]

        /// The body as JSON (an object or an array).
        var json: Any { (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) ?? [:] }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    func send(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil, contentType: String? = nil,
        headers extra: [String: String] = [:], progress: TransferProgress? = nil
    ) async throws -> Answer {
        var components = URLComponents(url: baseURL.appending(path: path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.timeoutInterval = 300
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.setValue("application/json, application/problem+json, */*", forHTTPHeaderField: "Accept")
        request.setValue(language, forHTTPHeaderField: "Accept-Language")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        do {
            if let progress {
                (data, response) = try await progress.run(request, body: body, policy: policy)
            } else {
                request.httpBody = body
                let session = URLSession(configuration: .default, delegate: RedirectGuard(policy), delegateQueue: nil)
                defer { session.finishTasksAndInvalidate() }
                (data, response) = try await session.data(for: request)
            }
        } catch {
            printError(
                words(
                    "cannot reach the Council daemon at \(baseURL.absoluteString): \(error.localizedDescription)",
                    ja: "\(baseURL.absoluteString)のCouncilデーモンにつながりません: \(error.localizedDescription)"))
            throw ExitCode(69)
        }
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        if (300..<400).contains(status) {
            let target = http?.value(forHTTPHeaderField: "Location") ?? "elsewhere"
            printError(
                words(
                    "the daemon redirected to \(target), another origin; the token is not sent there (--insecure follows it)",
                    ja: "デーモンが別のオリジン\(target)へ転送しました。トークンはそこへ送りません（--insecure なら従います）"))
            throw ExitCode(1)
        }
        guard (200..<300).contains(status) else {
            printError(ProblemText.render(status: status, body: data))
            throw ExitCode(status >= 500 ? 70 : 1)
        }
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return Answer(data: data, headers: headers)
    }

    /// The default Accept-Language: Japanese under a Japanese locale (`LC_ALL`, `LC_MESSAGES`,
    /// `LANG` = ja_JP…) or `COUNCIL_LANG=ja`; `--lang` overrides it.
    static let language: String = {
        let environment = ProcessInfo.processInfo.environment
        let chosen = environment["COUNCIL_LANG"] ?? ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return chosen?.lowercased().hasPrefix("ja") == true ? "ja, en;q=0.5" : "en, ja;q=0.5"
    }()

    func get(_ path: String, _ query: [URLQueryItem] = []) async throws -> Answer {
        try await send("GET", path, query: query)
    }

    /// A JSON request; POSTs carry a fresh Idempotency-Key, so a retried command never acts twice.
    func json(_ method: String, _ path: String, _ body: [String: Any] = [:], headers: [String: String] = [:]) async throws -> Answer {
        var headers = headers
        if method == "POST" { headers["Idempotency-Key"] = UUID().uuidString }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return try await send(method, path, body: data, contentType: "application/json", headers: headers)
    }
}

/// A problem+json body as readable lines.
enum ProblemText {
    struct Body: Decodable {
        struct Item: Decodable {
            let field: String?
            let line: Int?
            let column: String?
            let detail: String
        }
        let title: String?
        let detail: String?
        let requestID: String?
        let errors: [Item]?
    }

    static func render(status: Int, body: Data) -> String {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = KeyCase.decoding
        guard let problem = try? decoder.decode(Body.self, from: body) else {
            return "the server answered \(status): \(String(decoding: body.prefix(500), as: UTF8.self))"
        }
        var lines = ["\(problem.title ?? "error") (\(status)): \(problem.detail ?? "")"]
        for item in problem.errors ?? [] {
            var place: [String] = []
            if let line = item.line { place.append("line \(line)") }
            if let column = item.column { place.append(column) }
            if let field = item.field { place.append(field) }
            lines.append("  \(place.joined(separator: ", ")): \(item.detail)")
        }
        if let id = problem.requestID { lines.append("  (request id \(id))") }
        return lines.joined(separator: "\n")
    }
}
