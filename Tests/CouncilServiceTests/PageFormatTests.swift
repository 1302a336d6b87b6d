import Foundation
import Testing

@testable import CouncilService

/// Times on the pages are in Japan time, worked out by arithmetic (`PageFormat.japanFields`):
/// they must be what Foundation's calendar for Asia/Tokyo says, at every kind of boundary.
@Suite struct PageFormatTests {
    @Test func japanTimeByArithmeticIsTheCalendars() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        var generator = SystemRandomNumberGenerator()
        // Boundaries (UTC 15:00 is midnight in Japan; leap days; year ends; 1952, where arithmetic
        // begins; the epoch), then random times from 1952 to 2200.
        var times: [TimeInterval] = [
            0, -1, 1, -568_080_000, -568_080_001, 951_836_400, 951_836_399, 1_709_218_800, 1_709_218_799, 4_107_510_000,
            1_798_729_200, 1_798_729_199, 1_798_761_599.999,
        ]
        for _ in 0..<20_000 { times.append(TimeInterval(Int.random(in: -568_080_000...7_258_118_400, using: &generator)) + 0.5) }
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let fields = PageFormat.japanFields(date)
            #expect(
                fields == (parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!),
                "\(time): \(fields) against \(parts)")
        }
    }

    @Test func dateTimesReadAsInJapan() {
        let date = Date(timeIntervalSince1970: 1_798_729_200)  // 2026-12-31T15:00:00Z
        #expect(PageFormat.dateTime(date, .ja) == "2027年1月1日 0:00")
        #expect(PageFormat.dateTime(date, .en) == "2027-01-01 0:00")
        #expect(PageFormat.dateTime(Date(timeIntervalSince1970: 1_798_728_540), .en) == "2026-12-31 23:49")
    }
}
