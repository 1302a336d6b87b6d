import CouncilDatabase
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hands each message to a sendmail-compatible program (`program -i -f FROM -- TO`, the message
/// on standard input), as Debian's msmtp or sendmail take it. Exit 0: sent; the EX_ codes of
/// sysexits.h that mean "will not work" (64–68, 76–78): refused; any other: try again later.
struct SendmailTransport: MailTransport {
    let program: String

    func send(_ envelopes: [MailEnvelope]) async -> [MailOutcome] {
        var outcomes: [MailOutcome] = []
        for envelope in envelopes {
            outcomes.append(await Self.run(program, envelope))
        }
        return outcomes
    }

    private static func run(_ program: String, _ envelope: MailEnvelope) async -> MailOutcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: program)
                process.arguments = ["-i", "-f", envelope.from, "--", envelope.to]
                let input = Pipe(), errors = Pipe()
                process.standardInput = input
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                do {
                    try process.run()
                    input.fileHandleForWriting.write(Data(envelope.message.utf8))
                    try? input.fileHandleForWriting.close()
                    let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(500), as: UTF8.self)
                    process.waitUntilExit()
                    let status = process.terminationStatus
                    if status == 0 {
                        continuation.resume(returning: .sent)
                    } else if [64, 65, 66, 67, 68, 76, 77, 78].contains(status) {
                        continuation.resume(returning: .refused("\(program) exited \(status): \(said)"))
                    } else {
                        continuation.resume(returning: .failed("\(program) exited \(status): \(said)"))
                    }
                } catch {
                    continuation.resume(returning: .failed("cannot run \(program): \(error)"))
                }
            }
        }
    }
}
