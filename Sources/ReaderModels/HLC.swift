/// A hybrid logical clock stamp: wall time in milliseconds, a counter that orders events
/// within one millisecond (or while the wall clock lags), and the id of the device that
/// made it, which breaks ties so every replica picks the same winner.
///
/// The text form sorts like the value (`0001764108000000-0000-device`), so stamps can be
/// compared in SQL as plain text.
public struct HLC: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var wallMillis: Int64
    public var counter: Int
    public var node: String

    public init(wallMillis: Int64, counter: Int, node: String) {
        self.wallMillis = wallMillis
        self.counter = counter
        self.node = node
    }

    /// The smallest stamp: older than anything a clock produces.
    public static let zero = HLC(wallMillis: 0, counter: 0, node: "")

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        (lhs.wallMillis, lhs.counter, lhs.node) < (rhs.wallMillis, rhs.counter, rhs.node)
    }

    public var description: String {
        let wall = String(max(wallMillis, 0))
        let hex = String(counter, radix: 16)
        return String(repeating: "0", count: max(0, 16 - wall.count)) + wall + "-"
            + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "-" + node
    }

    /// Parses the text form; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 16, parts[1].count == 4,
              let wall = Int64(parts[0]), let counter = Int(parts[1], radix: 16)
        else { return nil }
        self.init(wallMillis: wall, counter: counter, node: String(parts[2]))
    }
}

/// The state of one device's hybrid logical clock (Kulkarni et al.): it never goes
/// backwards, stays close to the wall clock, and moves past every stamp it receives, so a
/// causally later event always gets a larger stamp even when wall clocks disagree.
public struct HybridClock: Sendable, Equatable {
    /// The largest stamp issued or received so far.
    public private(set) var last: HLC
    public let node: String

    /// The counter is four hex digits in the text form.
    static let maxCounter = 0xFFFF

    public init(node: String, last: HLC? = nil) {
        self.node = node
        self.last = last ?? HLC(wallMillis: 0, counter: 0, node: node)
    }

    /// A stamp for a local event at `wallMillis`.
    public mutating func tick(wallMillis: Int64) -> HLC {
        if wallMillis > last.wallMillis {
            last = HLC(wallMillis: wallMillis, counter: 0, node: node)
        } else {
            last = Self.bump(last.wallMillis, last.counter, node: node)
        }
        return last
    }

    /// Advances past a stamp received from elsewhere; returns the clock's new stamp.
    @discardableResult
    public mutating func receive(_ remote: HLC, wallMillis: Int64) -> HLC {
        let wall = max(wallMillis, last.wallMillis, remote.wallMillis)
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

    /// The next counter, carrying into the next millisecond instead of overflowing.
    private static func bump(_ wall: Int64, _ counter: Int, node: String) -> HLC {
        counter < maxCounter
            ? HLC(wallMillis: wall, counter: counter + 1, node: node)
            : HLC(wallMillis: wall + 1, counter: 0, node: node)
    }
}
