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

    /// Runs `script` with `path` bound to `workbook` saved to a file; returns what it printed.
    /// The reading side of a real spreadsheet program, for what our writer produced.
    static func inspect(_ workbook: Data, _ script: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appending(path: "council-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "in.xlsx")
        try workbook.write(to: file)
        return try run("import sys, json, datetime, openpyxl\npath = sys.argv[1]\n" + script, argument: file, in: directory)
    }

    /// Runs `script` with `path` bound to the output file and `openpyxl` imported; returns the bytes.
    static func workbook(_ script: String) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appending(path: "council-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appending(path: "out.xlsx")
        _ = try run("import sys, datetime, openpyxl\npath = sys.argv[1]\n" + script, argument: output, in: directory)
        return try Data(contentsOf: output)
    }

    private static func run(_ script: String, argument: URL, in directory: URL) throws -> String {
        let source = directory.appending(path: "script.py")
        try script.write(to: source, atomically: true, encoding: .utf8)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failed(description: "no Python with openpyxl at \(python): run ./scripts/test, which prepares it")
        }
        let out = directory.appending(path: "stdout"), errors = directory.appending(path: "stderr")
        let pid = try spawnChild(python, [source.path, argument.path], environment: ["PATH": "/usr/bin:/bin"], stdout: out, stderr: errors)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard exitCode(waitStatus: status) == 0 else {
            throw Failed(description: "openpyxl failed: \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        }
        return try String(contentsOf: out, encoding: .utf8)
    }
}
