import Foundation
import ZIPFoundation

/// The parts of an .xlsx file (a ZIP archive), read with limits: each part's inflated size is
/// counted while it inflates, so a zip bomb is stopped after `maxPartBytes`, not after it filled
/// memory; the whole archive's inflated size is bounded too.
struct WorkbookArchive {
    struct Limits: Sendable {
        var maxPartBytes = 96 << 20
        var maxTotalBytes = 256 << 20
        var maxParts = 1_000
    }

    private let archive: Archive
    private let limits: Limits
    private var inflated = 0

    /// Whether the bytes are a ZIP archive (an .xlsx file): decided by content, not by name.
    static func isZIP(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    init(_ data: Data, limits: Limits = Limits()) throws(WorkbookError) {
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw WorkbookError("the file is not a readable .xlsx workbook (its ZIP structure is damaged)")
        }
        self.limits = limits
        var parts = 0
        for _ in archive {
            parts += 1
            if parts > limits.maxParts { throw WorkbookError("the workbook has more than \(limits.maxParts) parts") }
        }
    }

    /// A part's bytes (`xl/workbook.xml`), nil when the archive has no such part.
    mutating func part(_ path: String) throws(WorkbookError) -> [UInt8]? {
        guard let entry = archive[path] else { return nil }
        guard entry.type == .file else { return nil }
        var bytes: [UInt8] = []
        let limit = min(limits.maxPartBytes, limits.maxTotalBytes - inflated)
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard bytes.count + chunk.count <= limit else { throw WorkbookError.tooLarge(path, limit: limit) }
                bytes.append(contentsOf: chunk)
            }
        } catch let error as WorkbookError {
            throw error
        } catch {
            throw WorkbookError("the workbook's part \(path) cannot be read (damaged or encrypted)")
        }
        inflated += bytes.count
        return bytes
    }
}

/// Why a workbook cannot be read at all (as opposed to a bad row in it).
struct WorkbookError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    static func tooLarge(_ path: String, limit: Int) -> WorkbookError {
        WorkbookError("the workbook's part \(path) inflates to more than \(limit >> 20) MiB; save the sheet alone or split it")
    }
}
