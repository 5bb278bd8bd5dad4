import Foundation

/// An IPv4 or IPv6 address, as libcurl is about to connect to it, and whether it is a
/// public unicast address on the internet.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in network order: 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// An address from its 4 (IPv4) or 16 (IPv6) bytes in network order; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses the textual form, `"192.0.2.1"` or `"2001:db8::1"`; nil when it is neither.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
    }

    /// Whether this is an IPv6 address.
    public var isV6: Bool { bytes.count == 16 }

    /// The IPv4 address an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`) stands for, so its class
    /// is judged as IPv4's. (Other IPv6 forms of IPv4, `::a.b.c.d` and NAT64, are outside
    /// 2000::/3 and so never public.)
    var mappedV4: IPAddress? {
        guard isV6, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return nil }
        return IPAddress(bytes: Array(bytes[12...]))
    }

    /// Whether the address is public unicast: not loopback, private (RFC 1918, fc00::/7),
    /// link-local, multicast, unspecified, shared (CGNAT 100.64/10), reserved for
    /// documentation or benchmarks, broadcast, nor an IPv6 form of one of those.
    public var isPublic: Bool {
        if let v4 = mappedV4 { return v4.isPublic }
        return isV6 ? Self.isPublicV6(bytes) : Self.isPublicV4(bytes)
    }

    /// The ranges of IPv4 that are not public, as (network, prefix length).
    private static let nonPublicV4: [(UInt32, Int)] = [
        (0x0000_0000, 8),   // 0/8: "this network", including unspecified 0.0.0.0
        (0x0A00_0000, 8),   // 10/8: private
        (0x6440_0000, 10),  // 100.64/10: shared address space (CGNAT)
        (0x7F00_0000, 8),   // 127/8: loopback
        (0xA9FE_0000, 16),  // 169.254/16: link-local
        (0xAC10_0000, 12),  // 172.16/12: private
        (0xC000_0000, 24),  // 192.0.0/24: IETF protocol assignments
        (0xC000_0200, 24),  // 192.0.2/24: documentation
        (0xC058_6300, 24),  // 192.88.99/24: 6to4 relay anycast (deprecated)
        (0xC0A8_0000, 16),  // 192.168/16: private
        (0xC612_0000, 15),  // 198.18/15: benchmarking
        (0xC633_6400, 24),  // 198.51.100/24: documentation
        (0xCB00_7100, 24),  // 203.0.113/24: documentation
        (0xE000_0000, 4),   // 224/4: multicast
        (0xF000_0000, 4),   // 240/4: reserved, and 255.255.255.255 broadcast
    ]

    private static func isPublicV4(_ bytes: [UInt8]) -> Bool {
        let value = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return !nonPublicV4.contains { network, length in
            value >> UInt32(32 - length) == network >> UInt32(32 - length)
        }
    }

    /// IPv6 is public only inside 2000::/3 (global unicast), minus the parts of it that are
    /// documentation or protocol assignments, or tunnels whose far end the address cannot
    /// tell (Teredo and 6to4 carry an IPv4 address that may be private).
    private static func isPublicV6(_ bytes: [UInt8]) -> Bool {
        guard bytes[0] & 0xE0 == 0x20 else { return false }
        let first32 = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if first32 & 0xFFFF_FE00 == 0x2001_0000 { return false } // 2001::/23: Teredo, ORCHID, IETF
        if first32 == 0x2001_0DB8 { return false }                // 2001:db8::/32 documentation
        if first32 >> 16 == 0x2002 { return false }               // 2002::/16 6to4
        if first32 >> 12 == 0x3FFF0 { return false }              // 3fff::/20 documentation
        return true
    }

    /// `"192.0.2.1"` or `"2001:db8::1"`.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isV6 ? AF_INET6 : AF_INET
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) != nil }
        return ok ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }
}
