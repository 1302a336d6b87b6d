import Foundation
import Hummingbird
import ServiceLifecycle
import Testing

@testable import CouncilService

/// The real `council` binary against a running daemon: tables, JSON, CSV, exit codes, login.
@Suite struct CLITests {
    /// Runs a daemon on a free port over a seeded database, and gives a runner per caller.
    func withDaemon(
        _ body: @escaping @Sendable (Int, TestEnvironment, @Sendable (TestIdentities.Caller) -> CLIRunner) async throws -> Void
    ) async throws {
        try await withTestPool { pool, _ in
            try await importSampleMunicipalities(pool)
            let environment = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
            let server = try await RunningServer.start(AppDependencies(pool: pool))
            let port = server.port
            let home = FileManager.default.temporaryDirectory.appending(path: "cli-home-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: home) }
            let runner: @Sendable (TestIdentities.Caller) -> CLIRunner = { caller in
                var variables = ["COUNCIL_URL": "http://127.0.0.1:\(port)", "HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
                if caller != .anonymous { variables["COUNCIL_TOKEN"] = environment.ids.identity(caller).secret }
                return CLIRunner(environment: variables)
            }
            do {
                try await body(port, environment, runner)
            } catch {
                try? await server.stop()
                throw error
            }
            try await server.stop()
        }
    }

    @Test func webhooksAreManagedAndWatchPrintsEventsAsTheyHappen() async throws {
        try await withDaemon { _, env, cli in
            let vendor = cli(.vendorA)
            var result = try await vendor.run(["webhook", "create", "https://hooks.example.jp/council", "--event", "issue.created"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.contains("whsec_"))
            result = try await vendor.run(["webhook", "list"])
            #expect(result.text.contains("https://hooks.example.jp/council") && result.text.contains("issue.created"), "\(result.text)")
            result = try await vendor.run(["webhook", "create", "http://10.0.0.5/hook"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("url"))
            result = try await cli(.vendorB).run(["webhook", "list"])
            #expect(result.status == 1, "not an administrator of its organization")
            result = try await cli(.vendorB).run(["notifications", "set", "digest"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try await cli(.vendorB).run(["notifications", "show"]).text == "digest\n")
            #expect(try await cli(.vendorB).run(["notifications", "set", "weekly"]).status == 64)
            // The bounce mailbox's pipe: a returned mail recorded (here one that names no mail of ours).
            let returned = FileManager.default.temporaryDirectory.appending(path: "bounce-\(UUID().uuidString).eml")
            defer { try? FileManager.default.removeItem(at: returned) }
            try BounceReport.postfix(recipient: "nobody@example.jp", returning: "Message-ID: <x@example.jp>").write(
                to: returned, atomically: true, encoding: .utf8)
            result = try await cli(.admin).run(["notifications", "bounce", returned.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.contains("nobody@example.jp  failed  5.1.1  no delivery of ours recorded"), "\(result.text)")
            #expect(try await cli(.vendorA).run(["notifications", "bounce", returned.path]).status == 1)

            // `watch` follows the stream: an issue filed meanwhile is printed.
            let binary = try #require(CLIRunner.binary)
            let out = FileManager.default.temporaryDirectory.appending(path: "watch-\(UUID().uuidString).out")
            defer { try? FileManager.default.removeItem(at: out) }
            let errors = FileManager.default.temporaryDirectory.appending(path: "watch-\(UUID().uuidString).err")
            defer { try? FileManager.default.removeItem(at: errors) }
            let pid = try spawnChild(binary.path, ["watch"], environment: cli(.vendorB).environment, stdout: out, stderr: errors)
            defer {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            // `watch` follows from the moment it is connected, which a loaded machine may delay:
            // another issue is filed every few seconds until one is printed.
            var filed: [Int] = []
            var printed = ""
            var nextFiling = ContinuousClock.now
            let deadline = ContinuousClock.now + .seconds(90)
            while ContinuousClock.now < deadline, !printed.contains("見守られる課題") {
                if ContinuousClock.now >= nextFiling {
                    filed.append(try await env.issue("見守られる課題").number)
                    nextFiling = ContinuousClock.now + .seconds(5)
                }
                try await Task.sleep(for: .milliseconds(100))
                printed = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            }
            #expect(
                filed.contains { printed.contains("issue.created  #\($0) 見守られる課題") },
                "\(printed) \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
            // Catching up once, as JSON, from the start.
            result = try await cli(.vendorB).run(["watch", "--once", "--after", "0-0", "--json", "--event", "issue.created"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.split(separator: "\n").count == filed.count, "one line per issue filed")
            #expect(result.text.contains("\"type\":\"issue.created\""))
        }
    }

    @Test func tablesAlignJapaneseAndEveryFormatParses() async throws {
        try await withDaemon { _, env, cli in
            let vendor = cli(.vendorA)
            var result = try await vendor.run([
                "issue", "new", "--title", "帳票レイアウト変更", "--category", "spec", "--severity", "high",
                "--municipality", "011002:blocked:juki",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text == "#1 帳票レイアウト変更\n")
            result = try await vendor.run(["issue", "new", "--title", "ABC", "--category", "cost", "--severity", "low"])
            #expect(result.status == 0, "\(result.stderr)")

            result = try await vendor.run(["issue", "list", "--sort", "number"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.text.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "\(result.text)")  // header, rule, two issues, footer
            // The reporter column starts at the same display column on every line, whatever the title's width.
            func column(of needle: String, in line: String) -> Int? {
                guard let range = line.range(of: needle) else { return nil }
                return DisplayWidthProbe.width(String(line[..<range.lowerBound]))
            }
            let header = try #require(column(of: "報告", in: lines[0]))
            #expect(column(of: "株式会社ベンダーA", in: lines[2]) == header)
            #expect(column(of: "株式会社ベンダーA", in: lines[3]) == header)
            #expect(lines[4] == "2 of 2 issues")

            result = try await vendor.run(["issue", "list", "--json"])
            let json = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
            #expect((json?["items"] as? [Any])?.count == 2)
            #expect(json?["total"] as? Int == 2)

            result = try await vendor.run(["issue", "list", "--csv", "--encoding", "cp932", "--sort", "number"])
            let csv = try #require(String(data: result.stdout, encoding: .shiftJIS))
            // Tables and CSV show the Japanese word for each slug (--json keeps the slugs).
            #expect(csv.hasPrefix("番号,状態,重要度,分類,件名,報告,更新\r\n#1,新規,高,仕様,帳票レイアウト変更,株式会社ベンダーA,"), "\(csv)")
            result = try await vendor.run(["issue", "list", "--csv"])
            #expect(Array(result.stdout.prefix(3)) == [0xEF, 0xBB, 0xBF])

            // Edit (with the ETag fetched for us), move, comment, search, blockers, export.
            #expect(try await vendor.run(["issue", "edit", "1", "--severity", "critical"]).status == 0)
            result = try await cli(.admin).run(["issue", "move", "1", "triaged", "--comment", "受け付けました"])
            #expect(result.text == "#1 is now triaged\n", "\(result.stderr)")
            result = try await vendor.run(["issue", "show", "1"])
            #expect(
                result.text.contains("緊急") && result.text.contains("受付済") && result.text.contains("受け付けました")
                    && result.text.contains("011002 札幌市 移行不可 住民基本台帳"), "\(result.text)")
            result = try await vendor.run(["issue", "list", "-q", "帳票", "--json"])
            let found = try #require(try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stderr)")
            #expect(found["total"] as? Int == 1)
            result = try await cli(.member).run(["blockers", "--group-by", "vendor"])
            #expect(result.text.contains("株式会社ベンダーA") && result.status == 0, "\(result.stderr)")
            result = try await cli(.member).run(["blockers", "municipality", "011002"])
            #expect(result.text.contains("住民基本台帳") || result.text.contains("juki"), "\(result.text)")
            let file = FileManager.default.temporaryDirectory.appending(path: "issues-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            result = try await vendor.run(["export", "issues", "--encoding", "cp932", "-o", file, "--state", "triaged"])
            #expect(result.status == 0, "\(result.stderr)")
            let exported = try #require(String(data: try Data(contentsOf: URL(fileURLWithPath: file)), encoding: .shiftJIS))
            #expect(exported.contains("帳票レイアウト変更") && !exported.contains("ABC"))

            // Meetings end to end.
            let admin = cli(.admin)
            result = try await admin.run(["meeting", "new", "--date", "2026-12-10", "--title", "事業者協議会"])
            #expect(result.text.hasPrefix("meeting "), "\(result.stderr)")
            result = try await admin.run(["meeting", "propose", "1"])
            #expect(result.text.contains("帳票レイアウト変更"), "\(result.text)\(result.stderr)")
            result = try await admin.run(["meeting", "handout", "1"])
            #expect(result.text.hasPrefix("# 第1回 事業者協議会"))
            // The audit log's actions by their names in the table, by their slugs in JSON.
            result = try await admin.run(["audit", "--action", "issue.create"])
            #expect(
                result.status == 0 && result.text.contains("課題の作成") && result.text.contains("課題 1") && !result.text.contains("issue.create"),
                "\(result.text)\(result.stderr)")
            result = try await admin.run(["audit", "--action", "issue.create", "--json"])
            #expect(result.text.contains("\"issue.create\"") && !result.text.contains("課題の作成"), "\(result.text)")
            _ = env
        }
    }

    @Test func exitCodesAndErrorsFollowTheDocumentation() async throws {
        try await withDaemon { port, _, cli in
            var result = try await cli(.vendorA).run(["issue", "show", "999"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("Not found (404): no issue #999"))
            #expect(result.stderr.contains("request id"))
            result = try await cli(.vendorA).run(["issue", "new", "--title", "x", "--category", "spec", "--severity", "urgent"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("severity"))
            result = try await cli(.vendorA).run(["issue", "new", "--title", "x"])
            #expect(result.status == 64)
            result = try await cli(.vendorA).run(["issue", "list", "--json", "--csv"])
            #expect(result.status == 64)
            result = try await cli(.anonymous).run(["issue", "list"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("(401)"))
            result = try await cli(.vendorA).run(["issue", "list", "--url", "http://127.0.0.1:9"])
            #expect(result.status == 69)
            result = try await cli(.vendorA).run(["issue", "list", "--url", "ftp://example.jp"])
            #expect(result.status == 64)
            result = try await cli(.vendorA).run(["import", "adoptions", "/nonexistent.csv"])
            #expect(result.status == 66)
            result = try await cli(.vendorA).run(["meeting", "handout", "1", "-o", "/nonexistent/dir/x.md"])
            #expect(result.status == 1)  // no meeting 1: refused before anything is written
            _ = port
        }
    }

    /// Under a Japanese locale (or `--lang ja`, or `COUNCIL_LANG=ja`) the CLI's own messages and
    /// the daemon's problems are Japanese; `--lang en` overrides the locale.
    @Test func messagesFollowTheReadersLanguage() async throws {
        try await withDaemon { _, _, cli in
            let vendor = cli(.vendorA)
            let japanese = ["LANG": "ja_JP.UTF-8"]
            var result = try await vendor.run(["issue", "new", "--title", "帳票の文字化け", "--category", "spec", "--severity", "low"], extra: japanese)
            #expect(result.status == 0, "\(result.stderr)")
            let number = try #require(result.text.split(separator: " ").first.map { String($0.dropFirst()) })
            result = try await vendor.run(["issue", "watch", number], extra: japanese)
            #expect(result.text == "#\(number)をウォッチしています\n", "\(result.text)")
            result = try await vendor.run(["issue", "watch", number, "--lang", "en"], extra: japanese)
            #expect(result.text == "watching #\(number)\n", "\(result.text)")
            result = try await vendor.run(["issue", "unwatch", number, "--lang", "ja"])
            #expect(result.text == "#\(number)のウォッチをやめました\n", "\(result.text)")
            result = try await vendor.run(["issue", "show", "999"], extra: ["COUNCIL_LANG": "ja"])
            #expect(result.status == 1 && result.stderr.contains("課題#999はありません"), "\(result.stderr)")
            result = try await vendor.run(["issue", "new", "--title", "x", "--category", "spec", "--severity", "urgent"], extra: japanese)
            #expect(result.status == 1 && result.stderr.contains("「urgent」は次のどれでもありません"), "\(result.stderr)")
            result = try await vendor.run(["issue", "list", "--json", "--csv"], extra: japanese)
            #expect(result.status == 64 && result.stderr.contains("--json か --csv のどちらか一方を指定してください"), "\(result.stderr)")
        }
    }

    @Test func loginRemembersTheDaemonAndTheTokenOwnerOnly() async throws {
        try await withDaemon { port, env, cli in
            let config = FileManager.default.temporaryDirectory.appending(path: "council-login-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: config) }
            var result = try await cli(.observer).run(["login"], extra: ["COUNCIL_CONFIG": config])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.contains("APPLIC"))
            let attributes = try FileManager.default.attributesOfItem(atPath: config)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            // Without COUNCIL_URL or COUNCIL_TOKEN, the saved login is used.
            let bare = CLIRunner(environment: ["COUNCIL_CONFIG": config, "PATH": "/usr/bin:/bin", "HOME": "/tmp"])
            result = try await bare.run(["whoami"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.contains("observer さん") && result.text.contains("APPLIC"))
            result = try await bare.run(["logout"])
            #expect(!FileManager.default.fileExists(atPath: config))
            result = try await bare.run(["whoami"])
            #expect(result.status == 69 || result.status == 1)  // back to the default address, no token
            _ = (port, env)
        }
    }
}

/// Every command's help works: ArgumentParser checks a command's options only when it is
/// parsed, so a clash (two options named alike) would otherwise surface at a user's prompt.
@Suite struct CLIHelpTests {
    @Test func everySubcommandHasWorkingHelp() async throws {
        let cli = CLIRunner(environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp"])
        let dump = try await cli.run(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: dump.stdout) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let subcommands = command["subcommands"] as? [[String: Any]] ?? []
            if !path.isEmpty { paths.append(path) }
            for sub in subcommands { walk(sub, path + [sub["commandName"] as? String ?? "?"]) }
        }
        walk(root["command"] as? [String: Any] ?? [:], [])
        #expect(paths.count > 60, "\(paths.count) commands")
        for path in paths where path.last != "help" {
            let result = try await cli.run(path + ["--help"])
            #expect(result.status == 0, "council \(path.joined(separator: " ")) --help: \(result.stderr)\(result.text.prefix(400))")
            #expect(result.text.contains("USAGE:"), "council \(path.joined(separator: " "))")
        }
    }
}

/// The display-width rule the CLI uses (wide characters count two), restated for the test.
enum DisplayWidthProbe {
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let value = scalar.value
            let wide =
                (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
                || (0xF900...0xFAFF).contains(value) || (0xFF00...0xFF60).contains(value) || (0xFFE0...0xFFE6).contains(value)
            return total + (wide ? 2 : 1)
        }
    }
}
