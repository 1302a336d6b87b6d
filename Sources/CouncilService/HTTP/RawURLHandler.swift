import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Percent-encodes the bytes above ASCII in each request line before NIO's HTTP parser sees it:
/// `curl 'localhost:8080/v1/municipalities?q=さっぽろ'` sends raw UTF-8, which the parser would
/// refuse with a bare 400. Only request lines change: headers pass as they are, and a body is
/// passed through by its Content-Length; after a chunked body the connection is left alone.
final class RawURLHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        case requestLine, headers, body, passThrough
    }

    private var state = State.requestLine
    /// Whether the request line so far has more than the empty lines a client may send first.
    private var requestLineStarted = false
    /// The header line being read (its first bytes: only two header names matter here).
    private var line: [UInt8] = []
    private var contentLength = 0
    private var chunked = false
    private var remainingBody = 0

    private static let hex = Array("0123456789ABCDEF".utf8)
    private static let contentLengthName = Array("content-length:".utf8)
    private static let transferEncodingName = Array("transfer-encoding:".utf8)
    private static let keptOfLine = 40

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if state == .passThrough { return context.fireChannelRead(data) }
        var output = context.channel.allocator.buffer(capacity: input.readableBytes + 16)
        while input.readableBytes > 0 {
            switch state {
            case .body:
                // A body in one piece, never looked into.
                let count = min(remainingBody, input.readableBytes)
                var slice = input.readSlice(length: count)!
                output.writeBuffer(&slice)
                remainingBody -= count
                if remainingBody == 0 { state = .requestLine }
            case .passThrough:
                output.writeBuffer(&input)
            case .requestLine:
                let byte = input.readInteger(as: UInt8.self)!
                if byte >= 0x80 {
                    output.writeBytes([UInt8(ascii: "%"), Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)]])
                    requestLineStarted = true
                    continue
                }
                output.writeInteger(byte)
                if byte == UInt8(ascii: "\n") {
                    // Empty lines before a request line are allowed (RFC 9112 §2.2) and skipped.
                    if requestLineStarted { startHeaders() }
                    requestLineStarted = false
                } else if byte != UInt8(ascii: "\r") {
                    requestLineStarted = true
                }
            case .headers:
                let byte = input.readInteger(as: UInt8.self)!
                output.writeInteger(byte)
                if byte != UInt8(ascii: "\n") {
                    if line.count < Self.keptOfLine { line.append(byte | (0x41...0x5A ~= byte ? 0x20 : 0)) }
                } else {
                    endHeaderLine()
                }
            }
        }
        context.fireChannelRead(wrapInboundOut(output))
    }

    private func startHeaders() {
        state = .headers
        line.removeAll(keepingCapacity: true)
        contentLength = 0
        chunked = false
    }

    /// One header line read (lower-cased in `line`): the blank line ends the headers.
    private func endHeaderLine() {
        defer { line.removeAll(keepingCapacity: true) }
        let content = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
        if content.isEmpty {
            state = chunked ? .passThrough : contentLength > 0 ? .body : .requestLine
            remainingBody = contentLength
        } else if content.starts(with: Self.contentLengthName) {
            let digits = content.dropFirst(Self.contentLengthName.count).filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            contentLength = Int(String(decoding: digits, as: UTF8.self)) ?? 0
        } else if content.starts(with: Self.transferEncodingName) {
            chunked = true
        }
    }
}

/// HTTP/1.1 as Hummingbird serves it, with `RawURLHandler` in front of its parser.
struct CouncilHTTP1Channel: ServerChildChannel {
    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RawURLHandler())
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
