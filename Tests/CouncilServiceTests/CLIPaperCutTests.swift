import Foundation
import Testing

@testable import CouncilService

/// The CLI paper cuts found trying it as a new user: --json prints only JSON, --all means every
/// page, the list has the API's filters, org create names what it needs, an empty transitions
/// table says why.
@Suite struct CLIPaperCutTests {
    @Test func outputsListsAndMessagesAreWhatTheySay() async throws {
        try await CLITests().withDaemon { _, env, cli in
            let member = cli(.member)
            var result = try await member.run(["blockers", "municipality", "011002", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect((try? JSONSerialization.jsonObject(with: result.stdout)) != nil, "not JSON alone: \(result.text)")

            // --all follows the pages: a page size of 2 still lists every one of the sample's 団体.
            result = try await member.run(["municipality", "list", "--all", "--limit", "2", "--json"])
            let all = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.text)")
            let total = try await MunicipalityStore(pool: env.pool).municipalities(MunicipalityFilter(), page: Page(limit: 1, offset: 0)).total
            #expect((all["items"] as? [Any])?.count == total && total > 2, "\(result.text)")
            result = try await member.run(["municipality", "list", "--all", "--designated", "--json"])
            let designated = (try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            #expect(!designated.isEmpty && designated.allSatisfy { $0["designated_city"] as? Bool == true }, "\(result.text)")
            result = try await member.run(["municipality", "list", "--all", "--kind", "special_ward", "--csv"])
            #expect(result.text.contains("千代田区") && !result.text.contains("札幌市"), "\(result.text)")

            // Organizations by name wherever an id is asked: exact (width-insensitive), a unique
            // part, never a guess among several.
            _ = try await env.issue("名前で探す課題")
            result = try await member.run(["issue", "list", "--vendor", "株式会社ベンダーＡ", "--json"])
            #expect(
                (try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])?["total"] as? Int == 1, "\(result.text)\(result.stderr)")
            result = try await member.run(["blockers", "--vendor", "ベンダーB", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await member.run(["issue", "list", "--vendor", "ベンダー"])
            #expect(result.status != 0 && result.stderr.contains("names several vendors"), "\(result.stderr)")
            result = try await member.run(["adoption", "list", "--vendor", "存在しない社"])
            #expect(result.status != 0 && result.stderr.contains("no vendor is named"), "\(result.stderr)")
            result = try await member.run(["meeting", "new", "--date", "2026/12/10", "--title", "協議会", "--attendee", "ベンダーB"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await member.run(["meeting", "show", "1", "--json"])
            #expect(result.text.contains("株式会社ベンダーB"), "\(result.text)")
            result = try await cli(.admin).run(["account", "list", "--organization", "株式会社ベンダーA", "--json"])
            #expect(result.status == 0 && result.text.contains("\"organization_id\" : \(env.ids.vendorA.id)"), "\(result.text)\(result.stderr)")

            result = try await cli(.admin).run(["org", "create", "--kind", "vendor"])
            #expect(result.status != 0 && result.stderr.contains("--name and --short-name"), "\(result.stderr)")

            // Vendor B sees vendor A's council-wide issue but takes no part in it: no move is open.
            let issue = try await env.issue()
            result = try await cli(.vendorB).run(["issue", "transitions", String(issue.number)])
            #expect(result.text.contains("no move from this state is open to you"), "\(result.text)\(result.stderr)")
        }
    }
}
