import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// `council serve --demo`: a seeded throwaway council with a sign-in link, gone when it stops.
@Suite struct DemoModeTests {
    @Test func theDemoServesASeededCouncilPrintsASignInLinkAndLeavesNothingBehind() async throws {
        let list = TestFiles.packageRoot.deletingLastPathComponent().appending(path: "shared/data/dantai-code-cp932.csv")
        let daemon = try await DaemonProcess.start(nil, arguments: ["--demo", "--demo-municipalities", list.path])
        do {
            let log = daemon.logText
            let link = try #require(WebBrowser.firstMatch(#"(http://127\.0\.0\.1:\d+/password/cl_[A-Za-z0-9_-]+)"#, in: log))
            #expect(log.contains("2000 adoptions, 2000 issues"))
            let directory = try #require(WebBrowser.firstMatch(#"embedded PostgreSQL in (\S*council-demo-[0-9A-F]+)"#, in: log))
            #expect(FileManager.default.fileExists(atPath: directory))
            let page = try await daemon.get(String(link.dropFirst(daemon.url.count)))
            #expect(page.status == 200 && page.body.contains(Demo.adminEmail))
            let municipalities = try await daemon.get("/v1/municipalities?all=true&limit=1")
            #expect(municipalities.body.contains("\"total\":1741"))  // every municipality of the country
            // The link's secret is in no log line (the request log redacts it).
            let secret = String(link.split(separator: "/").last!)
            #expect(!daemon.logText.components(separatedBy: "\n").filter { !$0.hasPrefix("http") }.joined().contains(secret))
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitExit() == 0)
            #expect(!FileManager.default.fileExists(atPath: directory))
        } catch {
            print(daemon.logText)
            await daemon.dispose()
            throw error
        }
        await daemon.dispose()
    }

    @Test func theDemoNeverTouchesARealDatabase() async throws {
        let runner = CLIRunner(environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        let given = try await runner.run(["serve", "--demo", "--data-dir", "/tmp/council-demo-refused"])
        #expect(given.status == 64 && given.stderr.contains("throwaway"))
        let fromEnvironment = try await runner.run(["serve", "--demo"], extra: ["DATABASE_URL": "postgres://localhost/council"])
        #expect(fromEnvironment.status == 64)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/council-demo-refused"))
    }
}
