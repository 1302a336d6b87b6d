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
        case requestLine
        case headers(line: [UInt8], contentLength: Int, chunked: Bool)
        case body(remaining: Int)
        case passThrough
    }

    private var state = State.requestLine
    /// Whether the request line so far has more than the empty lines a client may send first.
    private var requestLineStarted = false
    private static let hex = Array("0123456789ABCDEF".utf8)
    /// A request line or header longer than this is not ours to judge: the parser refuses it.
    private static let maxLine = 64 * 1024

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if case .passThrough = state { return context.fireChannelRead(data) }
        var output = context.channel.allocator.buffer(capacity: input.readableBytes + 16)
        while let byte = input.readInteger(as: UInt8.self) {
            switch state {
            case .requestLine:
                if byte >= 0x80 {
                    output.writeBytes([UInt8(ascii: "%"), Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)]])
                    requestLineStarted = true
                } else {
                    output.writeInteger(byte)
                    if byte == UInt8(ascii: "\n") {
                        // Empty lines before a request line are allowed (RFC 9112 §2.2) and skipped.
                        if requestLineStarted { state = .headers(line: [], contentLength: 0, chunked: false) }
                        requestLineStarted = false
                    } else if byte != UInt8(ascii: "\r") {
                        requestLineStarted = true
                    }
                }
            case .headers(var line, var length, var chunked):
                output.writeInteger(byte)
                guard byte == UInt8(ascii: "\n") else {
                    if line.count < Self.maxLine { line.append(byte) }
                    state = .headers(line: line, contentLength: length, chunked: chunked)
                    continue
                }
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                if text.isEmpty {
                    state = chunked ? .passThrough : length > 0 ? .body(remaining: length) : .requestLine
                } else {
                    if text.hasPrefix("content-length:") { length = Int(text.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0 }
                    if text.hasPrefix("transfer-encoding:") { chunked = true }
                    state = .headers(line: [], contentLength: length, chunked: chunked)
                }
            case .body(let remaining):
                output.writeInteger(byte)
                state = remaining > 1 ? .body(remaining: remaining - 1) : .requestLine
            case .passThrough:
                output.writeInteger(byte)
            }
            if case .body(let remaining) = state, input.readableBytes > 0 {
                // Copy a body in one piece rather than byte by byte.
                let count = min(remaining, input.readableBytes)
                var slice = input.readSlice(length: count)!
                output.writeBuffer(&slice)
                state = remaining > count ? .body(remaining: remaining - count) : .requestLine
            }
            if case .passThrough = state {
                output.writeBuffer(&input)
            }
        }
        context.fireChannelRead(wrapInboundOut(output))
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
