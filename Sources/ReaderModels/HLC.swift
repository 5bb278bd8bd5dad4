/// A hybrid logical clock stamp: wall time in milliseconds, a counter that orders events
/// within one millisecond (or while the wall clock lags), and the id of the device that
/// made it, which breaks ties so every replica picks the same winner.
///
/// The text form sorts like the value (`0001764108000000-0000-device`), so stamps can be
/// compared in SQL as plain text. Every stamp has a text form that parses back to it: the
/// wall time and the counter are held to the widths of that form, and the node to
/// printable ASCII, so no arithmetic on a stamp can produce text that another replica
/// cannot read.
public struct HLC: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970, `0...maxWallMillis`.
    public let wallMillis: Int64
    /// `0...maxCounter`.
    public let counter: Int
    /// The device that made the stamp: at most `maxNodeBytes` of printable ASCII.
    public let node: String

    /// The largest wall time: the 16 decimal digits of the text form (year 318857).
    public static let maxWallMillis: Int64 = 9_999_999_999_999_999
    /// The largest counter: the four hex digits of the text form.
    public static let maxCounter = 0xFFFF
    /// The longest node id, in bytes.
    public static let maxNodeBytes = 64
    /// How far ahead of the receiver's own clock a stamp may be: 24 hours. A device or a
    /// server refuses, and does not adopt, a stamp further ahead, so one wrong or hostile
    /// clock cannot push every replica's clock into the far future (where later edits would
    /// lose to it). Clocks that are hours off still sync.
    public static let maxLeadMillis: Int64 = 24 * 3600 * 1000

    /// A stamp; out-of-range parts are clamped (a wall time below 0 or above
    /// `maxWallMillis`, a counter outside `0...maxCounter`), a node character that is not
    /// printable ASCII becomes `_` and a node is cut to `maxNodeBytes`, so the stamp always
    /// has a text form that parses back.
    public init(wallMillis: Int64, counter: Int, node: String) {
        self.wallMillis = min(max(wallMillis, 0), Self.maxWallMillis)
        self.counter = min(max(counter, 0), Self.maxCounter)
        self.node = Self.isValidNode(node.utf8) ? node : Self.cleaned(node)
    }

    /// The smallest stamp: older than anything a clock produces.
    public static let zero = HLC(wallMillis: 0, counter: 0, node: "")

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        (lhs.wallMillis, lhs.counter, lhs.node) < (rhs.wallMillis, rhs.counter, rhs.node)
    }

    /// Whether this stamp is further ahead of `wallMillis` (the receiver's physical clock)
    /// than `maxLeadMillis` allows.
    package func isTooFarAhead(of wallMillis: Int64) -> Bool {
        // Both sides are within 0...maxWallMillis, so the difference cannot overflow.
        self.wallMillis - min(max(wallMillis, 0), Self.maxWallMillis) > Self.maxLeadMillis
    }

    public var description: String {
        let wall = String(wallMillis)
        let hex = String(counter, radix: 16)
        return String(repeating: "0", count: 16 - wall.count) + wall + "-"
            + String(repeating: "0", count: 4 - hex.count) + hex + "-" + node
    }

    /// Parses the text form; nil when it is not exactly one: 16 decimal digits, `-`, 4
    /// lower-case hex digits, `-`, and a node of at most `maxNodeBytes` printable ASCII
    /// bytes (no sign, no space, no NUL).
    public init?(_ text: String) {
        let bytes = text.utf8
        guard bytes.count >= 22, bytes.count <= 22 + Self.maxNodeBytes else { return nil }
        var wall: Int64 = 0
        var counter = 0
        for (offset, byte) in bytes.prefix(22).enumerated() {
            switch offset {
            case 0..<16:
                guard let digit = Self.decimal(byte) else { return nil }
                wall = wall * 10 + Int64(digit) // at most 16 digits: below Int64.max
            case 16, 21:
                guard byte == UInt8(ascii: "-") else { return nil }
            default:
                guard let digit = Self.hex(byte) else { return nil }
                counter = counter * 16 + digit
            }
        }
        let node = bytes.dropFirst(22)
        guard Self.isValidNode(node) else { return nil }
        self.init(wallMillis: wall, counter: counter, node: String(decoding: node, as: UTF8.self))
    }

    private static func decimal(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// Lower case only: the text form is canonical, so text order stays value order.
    private static func hex(_ byte: UInt8) -> Int? {
        if let digit = decimal(byte) { return digit }
        return (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) ? Int(byte - UInt8(ascii: "a")) + 10 : nil
    }

    private static func isValidNode(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count <= maxNodeBytes && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static func cleaned(_ node: String) -> String {
        String(decoding: node.unicodeScalars.prefix(maxNodeBytes).map { scalar -> UInt8 in
            (0x21...0x7E).contains(scalar.value) ? UInt8(scalar.value) : UInt8(ascii: "_")
        }, as: UTF8.self)
    }
}

/// A stamp refused because it is further ahead of the receiver's clock than
/// `HLC.maxLeadMillis`; the receiving clock did not move.
public struct StampTooFarAhead: Error, Hashable, Sendable, CustomStringConvertible {
    /// The refused stamp.
    public var stamp: HLC
    /// The receiver's physical clock when it refused the stamp, in milliseconds since 1970.
    public var wallMillis: Int64

    public init(stamp: HLC, wallMillis: Int64) {
        self.stamp = stamp
        self.wallMillis = wallMillis
    }

    public var description: String {
        "the clock stamp \(stamp) is more than \(HLC.maxLeadMillis / 3_600_000) hours ahead of the receiving clock"
    }
}

/// The state of one device's hybrid logical clock (Kulkarni et al.): it never goes
/// backwards, stays close to the wall clock, and moves past every stamp it receives, so a
/// causally later event always gets a larger stamp even when wall clocks disagree.
package struct HybridClock: Sendable, Equatable {
    /// The largest stamp issued or received so far.
    package private(set) var last: HLC
    package let node: String

    package init(node: String, last: HLC? = nil) {
        let node = HLC(wallMillis: 0, counter: 0, node: node).node
        self.node = node
        self.last = last ?? HLC(wallMillis: 0, counter: 0, node: node)
    }

    /// A clock resuming from its saved stamp `last`, unless that stamp is further ahead of
    /// `wallMillis` than `HLC.maxLeadMillis`: a clock saved by a version that adopted any
    /// stamp would issue only stamps every replica refuses, so it starts again from the
    /// wall clock instead.
    package init(node: String, resuming last: HLC?, wallMillis: Int64) {
        self.init(node: node, last: last.flatMap { $0.isTooFarAhead(of: wallMillis) ? nil : $0 })
    }

    /// A stamp for a local event at `wallMillis`.
    package mutating func tick(wallMillis: Int64) -> HLC {
        // Clamped before the comparison: a wall clock past the largest stamp must not reset
        // the counter at the largest wall time, which would go backwards.
        let wall = min(max(wallMillis, 0), HLC.maxWallMillis)
        if wall > last.wallMillis {
            last = HLC(wallMillis: wall, counter: 0, node: node)
        } else {
            last = Self.bump(last.wallMillis, last.counter, node: node)
        }
        return last
    }

    /// Advances past a stamp received from elsewhere; returns the clock's new stamp. A
    /// stamp further ahead of `wallMillis` than `HLC.maxLeadMillis` is refused and the
    /// clock does not move.
    @discardableResult
    package mutating func receive(_ remote: HLC, wallMillis: Int64) throws(StampTooFarAhead) -> HLC {
        guard !remote.isTooFarAhead(of: wallMillis) else { throw StampTooFarAhead(stamp: remote, wallMillis: wallMillis) }
        let wall = max(min(max(wallMillis, 0), HLC.maxWallMillis), last.wallMillis, remote.wallMillis)
        if wall == last.wallMillis && wall == remote.wallMillis {
            last = Self.bump(wall, max(last.counter, remote.counter), node: node)
        } else if wall == last.wallMillis {
            last = Self.bump(wall, last.counter, node: node)
        } else if wall == remote.wallMillis {
            last = Self.bump(wall, remote.counter, node: node)
        } else {
            last = HLC(wallMillis: wall, counter: 0, node: node)
        }
        return last
    }

    /// The next counter, carrying into the next millisecond instead of overflowing. At the
    /// largest representable stamp the clock stays put rather than wrap; with stamps held
    /// within a day of real time it is thousands of centuries away.
    private static func bump(_ wall: Int64, _ counter: Int, node: String) -> HLC {
        if counter < HLC.maxCounter { return HLC(wallMillis: wall, counter: counter + 1, node: node) }
        if wall < HLC.maxWallMillis { return HLC(wallMillis: wall + 1, counter: 0, node: node) }
        return HLC(wallMillis: wall, counter: counter, node: node)
    }
}
