import Foundation
import ReaderModels
import ReaderStore

/// A date typed on the command line: `YYYY-MM-DD` (the start of that day in UTC, the day
/// `articles list` shows) or an RFC 3339 instant (`2026-11-30T09:00:00Z`, with an offset or
/// fractional seconds).
enum DateArgument {
    /// The instant `text` names, or `StoreError.invalidValue` naming the option and the forms it takes.
    static func parse(_ text: String, option: String) throws -> Date {
        if let date = day(text) ?? instant(text) { return date }
        throw StoreError.invalidValue(
            "\(option) takes a date as YYYY-MM-DD or RFC 3339 (2026-11-30T09:00:00Z), not \u{201C}\(text)\u{201D}"
        )
    }

    private static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let date = Date(timeIntervalSince1970: Double(days) * 86400)
        // 2026-02-30 would roll over into March: only a day that exists reads back as itself.
        guard Timestamp.format(date).hasPrefix(text) else { return nil }
        return date
    }

    private static func instant(_ text: String) -> Date? {
        // RFC 3339 allows a lower-case t and z, and a space for the T.
        var characters = Array(text.uppercased())
        if characters.count > 10, characters[10] == " " { characters[10] = "T" }
        let normalized = String(characters)
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: normalized) { return date }
        }
        return nil
    }
}
