import Foundation
import Testing

@testable import CouncilService

/// One spelling of "ID" in Swift (`organizationID`, `vendorIDs`) and one in JSON
/// (`organization_id`, `vendor_ids`), whichever way a key travels.
@Suite struct KeyCaseTests {
    @Test func convertsBothWays() {
        let pairs = [
            ("dueDate", "due_date"), ("organizationID", "organization_id"), ("vendorIDs", "vendor_ids"),
            ("assigneeOrganizationID", "assignee_organization_id"), ("attendeeIDs", "attendee_ids"),
            ("id", "id"), ("ids", "ids"), ("pmoCompletion", "pmo_completion"), ("q", "q"),
        ]
        for (swift, json) in pairs {
            #expect(KeyCase.snake(swift) == json)
            #expect(KeyCase.camel(json) == swift)
        }
        // Words that merely begin with "Id" stay words.
        #expect(KeyCase.snake("isIdle") == "is_idle")
        #expect(KeyCase.snake("userIDCard") == "user_id_card")
    }

    struct Sample: Codable, Equatable {
        let organizationID: Int
        let vendorIDs: [Int]
        let dueDate: String
    }

    @Test func encoderAndDecoderAgree() throws {
        let sample = Sample(organizationID: 7, vendorIDs: [1, 2], dueDate: "2026-03-31")
        let foundation = String(decoding: try JSONCoding.encoder.encode(sample), as: UTF8.self)
        #expect(foundation == #"{"due_date":"2026-03-31","organization_id":7,"vendor_ids":[1,2]}"#)
        #expect(String(decoding: try APIJSONEncoder().encode(sample), as: UTF8.self) == foundation)
        #expect(try JSONCoding.decoder.decode(Sample.self, from: Data(foundation.utf8)) == sample)
    }

    /// Every request body's keys survive the trip JSON → decoder → CodingKey: a key the decoder
    /// would spell differently from its CodingKey could never be read.
    @Test func everyBodyFieldDecodes() {
        func check<Body: JSONRequestBody>(_ body: Body.Type) {
            for key in Body.CodingKeys.allCases {
                let json = KeyCase.snake(key.stringValue)
                #expect(KeyCase.camel(json) == key.stringValue, "\(Body.self).\(key.stringValue) is read as \(json)")
                #expect(!json.contains("_i_d"), "\(Body.self).\(key.stringValue)")
            }
        }
        check(AdoptionRoutes.Filing.self)
        check(MeetingRoutes.NewMeeting.self)
        check(MeetingRoutes.MeetingPatch.self)
        check(MeetingRoutes.NewItem.self)
        check(MeetingRoutes.ItemPatch.self)
        check(MeetingRoutes.Decision.self)
        check(TokenRoutes.NewToken.self)
        check(IssueRoutes.NewIssue.self)
        check(IssueRoutes.Patch.self)
        check(IssueRoutes.TransitionBody.self)
        check(IssueConversationRoutes.CommentBody.self)
        check(IssueConversationRoutes.RelationBody.self)
        check(IssueConversationRoutes.WatcherBody.self)
        check(SavedQueryRoutes.NewQuery.self)
        check(SavedQueryRoutes.Patch.self)
        check(ProductRoutes.NewProduct.self)
        check(ProductRoutes.Patch.self)
        check(OrganizationRoutes.NewOrganization.self)
        check(OrganizationRoutes.Patch.self)
        check(AccountRoutes.NewAccount.self)
        check(AccountRoutes.Patch.self)
        check(StatusRoutes.NewReport.self)
    }
}
