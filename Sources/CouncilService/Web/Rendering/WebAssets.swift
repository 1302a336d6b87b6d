import Crypto
import Foundation
import Hummingbird
import NIOCore

/// The stylesheets, scripts and icons under `web/assets/`, compiled into the binary: closed
/// government networks load nothing from outside. Each is served under a URL that carries a hash
/// of its content, so it may be cached for a year and a new build is fetched at once.
package struct WebAssets: Sendable {
    package struct Asset: Sendable {
        let name: String
        let url: String
        let body: ByteBuffer
        let contentType: String
    }

    private let byURL: [String: Asset]
    private let byName: [String: Asset]

    package static let shared = WebAssets(files: EmbeddedResources.webFiles)

    init(files: [(path: String, text: String)]) {
        var byURL: [String: Asset] = [:], byName: [String: Asset] = [:]
        for (path, text) in files where path.hasPrefix("assets/") {
            let name = String(path.dropFirst("assets/".count))
            let digest = SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            let asset = Asset(
                name: name, url: "/assets/\(digest)/\(name)", body: ByteBuffer(string: text),
                contentType: Self.contentType(of: name))
            byURL[asset.url] = asset
            byName[name] = asset
        }
        self.byURL = byURL
        self.byName = byName
    }

    /// The hashed URL of an asset by its name under `web/assets/`.
    package func url(_ name: String) -> String {
        guard let asset = byName[name] else { preconditionFailure("no asset \(name) under web/assets") }
        return asset.url
    }

    package func asset(at path: String) -> Asset? { byURL[path] }

    /// The bytes a browser first downloads besides the HTML (the budget of the first visit).
    package var totalSize: Int { byName.values.reduce(0) { $0 + $1.body.readableBytes } }

    func response(_ asset: Asset) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: asset.body))
    }

    private static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }
}
