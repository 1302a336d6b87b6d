import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Workbooks written by a real spreadsheet writer: openpyxl, in the virtual environment that
/// `scripts/test` prepares (`.venv-tests`, or the Python named by `COUNCIL_TEST_PYTHON`).
enum SpreadsheetWriter {
    static var python: String {
        ProcessInfo.processInfo.environment["COUNCIL_TEST_PYTHON"] ?? TestFiles.packageRoot.appending(path: ".venv-tests/bin/python").path
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `path` bound to the output file and `openpyxl` imported; returns the bytes.
    static func workbook(_ script: String) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appending(path: "council-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appending(path: "make.py"), output = directory.appending(path: "out.xlsx")
        try ("import sys, datetime, openpyxl\npath = sys.argv[1]\n" + script).write(to: source, atomically: true, encoding: .utf8)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failed(description: "no Python with openpyxl at \(python): run ./scripts/test, which prepares it")
        }
        let log = directory.appending(path: "log")
        let pid = try spawnChild(python, [source.path, output.path], environment: ["PATH": "/usr/bin:/bin"], stdout: log, stderr: log)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard exitCode(waitStatus: status) == 0 else {
            throw Failed(description: "openpyxl failed: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        return try Data(contentsOf: output)
    }
}
