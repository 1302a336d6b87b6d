import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// 届出 by form, over HTTP: a vendor files development status for its own product and sees the
/// history; a stage going back needs its reason (refused with what was typed kept); another
/// vendor and observers get 403 pages. The same flow runs in Chromium in `Tests/Browser`.
@Suite struct FilingPageTests {
    @Test func aVendorFilesStatusAndSeesItsHistoryAndABackwardStageNeedsItsReason() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let a = try await env.signedIn(.vendorA, client)
            var page = try await a.get("/filings")
            #expect(page.status == .ok && page.html.contains("A住記クラウド") && !page.html.contains("B標準パッケージ"))
            let path = "/filings/status?product=\(product)&business_area=juki"
            page = try await a.get(path)
            #expect(page.status == .ok && page.html.contains("開発状況の届出はまだありません"))
            var answer = try await a.post(
                "/filings/status",
                [
                    ("product", "\(product)"), ("business_area", "juki"), ("stage", "testing"), ("cloud_readiness", "verifying"),
                    ("spec_version", "第4.1版"), ("planned_availability", "令和8年4月1日"), ("note", "結合テスト中"),
                ])
            #expect(answer.status == .seeOther)
            page = try await a.get(try #require(answer.location))
            #expect(page.html.contains("開発状況を届け出ました") && page.html.contains("テスト中") && page.html.contains("2026年4月1日"))

            // Backward without a reason: refused, nothing filed, what was typed kept.
            answer = try await a.post(
                "/filings/status",
                [("product", "\(product)"), ("business_area", "juki"), ("stage", "developing"), ("cloud_readiness", "verifying"), ("note", "不具合対応")])
            #expect(answer.status == .unprocessableContent && answer.html.contains("段階が戻る理由: ") && answer.html.contains(">不具合対応</textarea>"))
            #expect(try await StatusStore(pool: env.pool).history(product: product, businessArea: .juki).count == 1)
            answer = try await a.post(
                "/filings/status",
                [
                    ("product", "\(product)"), ("business_area", "juki"), ("stage", "developing"), ("cloud_readiness", "verifying"),
                    ("regression_reason", "帳票の不具合修正のため"),
                ])
            #expect(answer.status == .seeOther)
            page = try await a.get(path)
            #expect(page.html.contains("帳票の不具合修正のため"))
            #expect(page.html.components(separatedBy: "<time>").count - 1 == 2)
            // A date nobody could mean: the field is named.
            answer = try await a.post(
                "/filings/status",
                [
                    ("product", "\(product)"), ("business_area", "juki"), ("stage", "developing"), ("cloud_readiness", "ready"),
                    ("planned_completion", "来年"),
                ])
            #expect(answer.status == .unprocessableContent && answer.html.contains("開発完了予定日: "))

            // Another vendor: 403 pages for the form and the post; nothing filed. A 業務 the product lacks: 404.
            let b = try await env.signedIn(.vendorB, client)
            #expect(try await b.get(path).status == .forbidden)
            _ = try await b.get("/filings")
            let refused = try await b.post(
                "/filings/status", [("product", "\(product)"), ("business_area", "juki"), ("stage", "available"), ("cloud_readiness", "ready")])
            #expect(refused.status == .forbidden)
            #expect(try await StatusStore(pool: env.pool).history(product: product, businessArea: .juki).count == 2)
            #expect(try await a.get("/filings/status?product=\(product)&business_area=zeimu_kotei").status == .notFound)
            // Observers read; they do not file.
            let observer = try await env.signedIn(.observer, client)
            #expect(try await observer.get("/filings").status == .forbidden)
            #expect(!(try await observer.get("/").html.contains("href=\"/filings\"")))
            // The secretariat files for any vendor's product.
            let admin = try await env.signedIn(.admin, client)
            #expect(try await admin.get("/filings?vendor=\(env.ids.vendorB.id)").html.contains("B標準パッケージ"))
            #expect(try await admin.get("/filings/status?product=\(env.ids.productB.id)&business_area=juki").status == .ok)
        }
    }
}
