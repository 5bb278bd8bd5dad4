import Foundation
import ReaderModels

/// The dates feeds carry: RFC 822 as RSS writes them (`Tue, 03 Mar 2026 08:15:00 GMT`) and
/// RFC 3339 as Atom and JSON Feed write them (`2026-03-03T08:15:00.250+01:00`).
///
/// Parsed by hand over the UTF-8 bytes, without allocating, because a large feed has a
/// hundred thousand of them. A date that cannot be parsed is nil, never an error: a feed with
/// one odd date is still worth importing.
enum FeedDate {
    /// Either form, told apart by their start (`YYYY-` is RFC 3339).
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = DateScanner(bytes: bytes)
            scanner.skipSpaces()
            return scanner.looksLikeRFC3339 ? scanner.rfc3339() : scanner.rfc822()
        }
    }
}

/// A cursor over a date's bytes.
private struct DateScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    var looksLikeRFC3339: Bool {
        index + 4 < bytes.count && bytes[index].isDigit
            && (bytes[index + 4] == UInt8(ascii: "-") || bytes[index + 4] == UInt8(ascii: "/"))
    }

    mutating func skipSpaces() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// A number of `min...max` digits.
    mutating func number(digits range: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while count < range.upperBound, let byte = current, byte.isDigit {
            value = value * 10 + Int(byte - 48)
            count += 1
            index += 1
        }
        return count >= range.lowerBound ? value : nil
    }

    /// The letters at the cursor, lowercased, up to eight of them kept.
    mutating func word() -> [UInt8] {
        var letters: [UInt8] = []
        while let byte = current, byte.isLetter {
            if letters.count < 8 { letters.append(byte | 0x20) }
            index += 1
        }
        return letters
    }

    /// The fraction after a decimal point, as seconds.
    mutating func fractionalSeconds() -> Double {
        var value = 0.0
        var scale = 0.1
        while let byte = current, byte.isDigit {
            value += Double(byte - 48) * scale
            scale /= 10
            index += 1
        }
        return value
    }

    /// `[Weekday,] DD Mon YYYY [HH:MM[:SS]] [zone]`; the weekday, the seconds and the zone
    /// (then UTC) may be missing, and the year may have two digits.
    mutating func rfc822() -> Date? {
        if let byte = current, byte.isLetter {
            _ = word()
            _ = skip(UInt8(ascii: "."))
            skipSpaces()
            _ = skip(UInt8(ascii: ","))
            skipSpaces()
            if let byte = current, byte.isLetter { return monthFirst() }
        }
        guard let day = number(digits: 1...2) else { return nil }
        skipSeparators()
        guard let month = Self.month(word()) else { return nil }
        skipSeparators()
        guard var year = number(digits: 2...4) else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        skipSpaces()
        var hour = 0, minute = 0, second = 0, fraction = 0.0
        if let byte = current, byte.isDigit {
            guard let h = number(digits: 1...2), skip(UInt8(ascii: ":")), let m = number(digits: 2...2)
            else { return nil }
            (hour, minute) = (h, m)
            if skip(UInt8(ascii: ":")) {
                guard let s = number(digits: 2...2) else { return nil }
                second = s
                if skip(UInt8(ascii: ".")) { fraction = fractionalSeconds() }
            }
        }
        skipSpaces()
        guard let offset = zoneOffset() else { return nil }
        return Self.date(year, month, day, hour, minute, second, fraction, offset: offset)
    }

    /// After the weekday, the month first: asctime's `Nov  6 08:49:37 1994` (UTC) or
    /// JavaScript's `Mar 01 2022 10:00:00 GMT+0100 (Central European Standard Time)`.
    mutating func monthFirst() -> Date? {
        guard let month = Self.month(word()) else { return nil }
        skipSpaces()
        guard let day = number(digits: 1...2) else { return nil }
        skipSpaces()
        guard let first = number(digits: 1...4) else { return nil }
        var year = first, hour = 0, minute = 0, second = 0
        let asctime = skip(UInt8(ascii: ":"))
        if asctime {
            guard let m = number(digits: 2...2), skip(UInt8(ascii: ":")), let s = number(digits: 2...2) else { return nil }
            (hour, minute, second) = (first, m, s)
            skipSpaces()
            guard let y = number(digits: 4...4) else { return nil }
            year = y
        } else {
            skipSpaces()
            guard let h = number(digits: 1...2), skip(UInt8(ascii: ":")), let m = number(digits: 2...2) else { return nil }
            (hour, minute) = (h, m)
            if skip(UInt8(ascii: ":")) {
                guard let s = number(digits: 2...2) else { return nil }
                second = s
            }
        }
        skipSpaces()
        guard let offset = zoneOffset() else { return nil }
        return Self.date(year, month, day, hour, minute, second, 0, offset: offset)
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][ ][Z|±HH:MM|±HHMM]`; a missing zone means UTC.
    /// Also `YYYY-MM` (the first of the month) and `YYYY/M/D` with one-digit parts.
    mutating func rfc3339() -> Date? {
        guard let year = number(digits: 4...4) else { return nil }
        let slash = skip(UInt8(ascii: "/"))
        guard slash || skip(UInt8(ascii: "-")), let month = number(digits: slash ? 1...2 : 2...2) else { return nil }
        var day = 1
        if skip(slash ? UInt8(ascii: "/") : UInt8(ascii: "-")) {
            guard let value = number(digits: slash ? 1...2 : 2...2) else { return nil }
            day = value
        } else if current != nil {
            return nil
        }
        var hour = 0, minute = 0, second = 0, fraction = 0.0
        if let byte = current, byte == UInt8(ascii: "T") || byte == UInt8(ascii: "t") || byte == 0x20 {
            index += 1
            guard let h = number(digits: 2...2), skip(UInt8(ascii: ":")), let m = number(digits: 2...2)
            else { return nil }
            (hour, minute) = (h, m)
            if skip(UInt8(ascii: ":")) {
                guard let s = number(digits: 2...2) else { return nil }
                second = s
                if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) { fraction = fractionalSeconds() }
            }
        }
        skipSpaces()
        guard let offset = zoneOffset() else { return nil }
        return Self.date(year, month, day, hour, minute, second, fraction, offset: offset)
    }

    /// Skips the spaces or hyphens between the parts of an RFC 822 date.
    mutating func skipSeparators() {
        while let byte = current, byte == 0x20 || byte == UInt8(ascii: "-") { index += 1 }
    }

    /// The zone at the cursor in seconds east of UTC: `Z`, `±HHMM`, `±HH:MM`, or a US or
    /// universal zone name. Nothing at all is UTC; an unknown name is nil.
    mutating func zoneOffset() -> Int? {
        guard let byte = current else { return 0 }
        if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
            index += 1
            guard let hours = number(digits: 2...2) else { return nil }
            _ = skip(UInt8(ascii: ":"))
            let minutes = number(digits: 2...2) ?? 0
            let offset = hours * 3600 + minutes * 60
            return byte == UInt8(ascii: "-") ? -offset : offset
        }
        guard byte.isLetter else { return nil }
        var name = word()
        // `Etc/GMT`, the IANA name.
        if name == Array("etc".utf8) {
            guard skip(UInt8(ascii: "/")) else { return nil }
            name = word()
        }
        guard let named = Self.namedZones[name].map({ $0 * 60 }) else { return nil }
        // `GMT+0200` (JavaScript's `Date.toString()`): the offset follows the name.
        if let sign = current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            guard let offset = zoneOffset() else { return nil }
            return named + offset
        }
        return named
    }

    /// Zone names and their offsets in minutes east of UTC.
    static let namedZones: [[UInt8]: Int] = [
        Array("z".utf8): 0, Array("ut".utf8): 0, Array("utc".utf8): 0, Array("gmt".utf8): 0,
        Array("est".utf8): -300, Array("edt".utf8): -240, Array("cst".utf8): -360, Array("cdt".utf8): -300,
        Array("mst".utf8): -420, Array("mdt".utf8): -360, Array("pst".utf8): -480, Array("pdt".utf8): -420,
        // Not in RFC 822, but common in European and Asian feeds. ET and PT name no season:
        // standard time is taken. IST is India's (the most common in feeds).
        Array("et".utf8): -300, Array("pt".utf8): -480,
        Array("bst".utf8): 60, Array("cet".utf8): 60, Array("cest".utf8): 120, Array("met".utf8): 60,
        Array("mest".utf8): 120, Array("eet".utf8): 120, Array("eest".utf8): 180, Array("ist".utf8): 330,
        Array("jst".utf8): 540, Array("aest".utf8): 600,
    ]

    /// 1...12 for an English month name or its first three letters.
    static func month(_ name: [UInt8]) -> Int? {
        guard name.count >= 3 else { return nil }
        let key = Int(name[0]) << 16 | Int(name[1]) << 8 | Int(name[2])
        return monthKeys.firstIndex(of: key).map { $0 + 1 }
    }

    static let monthKeys: [Int] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { name in name.utf8.reduce(0) { $0 << 8 | Int($1) } }

    /// The instant of a civil date and time at `offset` seconds east of UTC, or nil when a
    /// field is out of range.
    static func date(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
        _ fraction: Double, offset: Int
    ) -> Date? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month, year),
              hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
}
