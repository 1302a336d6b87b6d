import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the daemon is: --url, else COUNCIL_URL, else the daemon's default local address.
struct ClientOptions: ParsableArguments {
    @Option(help: "Base URL of the Council daemon (COUNCIL_URL, default http://127.0.0.1:8080).")
    var url: String?
    @Option(help: "API token (COUNCIL_TOKEN); prefer the environment, so it stays out of shell history.")
    var token: String?

    func client() throws -> APIClient {
        let text = url ?? ProcessInfo.processInfo.environment["COUNCIL_URL"] ?? "http://127.0.0.1:8080"
        guard let base = URL(string: text), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            printError("'\(text)' is not an http(s) URL (--url or COUNCIL_URL)")
            throw ExitCode(64)
        }
        let secret = token ?? ProcessInfo.processInfo.environment["COUNCIL_TOKEN"]
        return APIClient(baseURL: base, token: secret.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// A thin client of the HTTP API. Failures are printed from the server's problem+json and
/// turned into the documented exit codes.
struct APIClient {
    let baseURL: URL
    let token: String?

    func send(_ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil, contentType: String? = nil) async throws -> Data {
        var components = URLComponents(url: baseURL.appending(path: path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 300
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.setValue("application/json, application/problem+json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            printError("cannot reach the Council daemon at \(baseURL.absoluteString): \(error.localizedDescription)")
            throw ExitCode(69)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            printError(ProblemText.render(status: status, body: data))
            throw ExitCode(status >= 500 ? 70 : 1)
        }
        return data
    }

    func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: data)
        } catch {
            printError("the daemon answered something this client does not understand: \(error)")
            throw ExitCode(70)
        }
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
        let requestId: String?
        let errors: [Item]?
    }

    static func render(status: Int, body: Data) -> String {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
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
        if let id = problem.requestId { lines.append("  (request id \(id))") }
        return lines.joined(separator: "\n")
    }
}
