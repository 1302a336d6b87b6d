import Crypto
import Foundation
import Hummingbird
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// A request body written to a private temporary file as it arrives — bounded by `limit`, its
/// SHA-256 and size computed on the way, its first bytes kept for sniffing — so a large upload
/// costs a small buffer of memory, and a slow client holds no database connection while it sends.
final class SpooledUpload: Sendable {
    static let headSize = 512
    /// Written to disk and read back in pieces of this size (and stored in chunks of it).
    static let chunkSize = 1 << 20

    let path: String
    let size: Int
    let sha256: [UInt8]
    let head: [UInt8]

    private init(path: String, size: Int, sha256: [UInt8], head: [UInt8]) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.head = head
    }

    deinit { unlink(path) }

    static func read(_ body: RequestBody, limit: Int) async throws -> SpooledUpload {
        let path = FileManager.default.temporaryDirectory.appending(path: "council-upload-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Problem(.internal, .cannotSpool(String(cString: strerror(errno)))) }
        var hasher = SHA256()
        var size = 0
        var head: [UInt8] = []
        var pending = ByteBuffer()
        do {
            defer { close(descriptor) }
            for try await chunk in body {
                size += chunk.readableBytes
                guard size <= limit else { throw Problem.tooLarge(limit) }
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                if head.count < headSize { head += chunk.readableBytesView.prefix(headSize - head.count) }
                var chunk = chunk
                pending.writeBuffer(&chunk)
                if pending.readableBytes >= chunkSize {
                    try await write(pending, to: descriptor)
                    pending.clear()
                }
            }
            if pending.readableBytes > 0 { try await write(pending, to: descriptor) }
        } catch {
            unlink(path)
            throw error
        }
        return SpooledUpload(path: path, size: size, sha256: Array(hasher.finalize()), head: head)
    }

    private static func write(_ buffer: ByteBuffer, to descriptor: Int32) async throws {
        try await NIOThreadPool.singleton.runIfActive {
            try buffer.withUnsafeReadableBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw Problem(.internal, .cannotSpool(String(cString: strerror(errno))))
                    }
                    offset += written
                }
            }
        }
    }

    /// The file's bytes in chunks of `chunkSize`, read one at a time.
    func chunks() throws -> ChunkReader { try ChunkReader(path: path) }

    /// The spooled bytes as a request body again, read a chunk at a time.
    var body: RequestBody {
        RequestBody(asyncSequence: ChunkSequence(upload: self))
    }

    struct ChunkSequence: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let upload: SpooledUpload

        struct AsyncIterator: AsyncIteratorProtocol {
            let reader: ChunkReader?
            mutating func next() async throws -> ByteBuffer? {
                guard let reader, let chunk = try reader.next() else { return nil }
                return ByteBuffer(bytes: chunk)
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: try? upload.chunks()) }
    }

    /// Reads a spooled file a chunk at a time; closes it when done or dropped.
    final class ChunkReader: @unchecked Sendable {
        private let descriptor: Int32

        init(path: String) throws {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Problem(.internal, .cannotSpool("read")) }
        }

        deinit { close(descriptor) }

        func next() throws -> [UInt8]? {
            var chunk = [UInt8](repeating: 0, count: SpooledUpload.chunkSize)
            var filled = 0
            while filled < chunk.count {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Problem(.internal, .cannotSpool("read"))
                }
                if count == 0 { break }
                filled += count
            }
            guard filled > 0 else { return nil }
            return Array(chunk.prefix(filled))
        }
    }
}

extension Reason {
    static func cannotSpool(_ why: String) -> Reason {
        Reason("cannot spool the upload: \(why)", ja: "アップロードを一時保存できません（\(why)）")
    }
}
