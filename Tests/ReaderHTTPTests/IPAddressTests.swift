import ReaderHTTP
import Testing

/// The classifier behind ``AddressPolicy/publicOnly``: every non-public range, its edges,
/// and the IPv6 forms of IPv4 addresses.
@Suite struct IPAddressTests {
    static func isPublic(_ text: String) throws -> Bool {
        try #require(IPAddress(text), "\(text) parses").isPublic
    }

    @Test(arguments: [
        "0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255", "100.64.0.0", "100.127.255.255",
        "127.0.0.1", "127.255.255.254", "169.254.0.1", "169.254.169.254", "172.16.0.0", "172.31.255.255",
        "192.0.0.8", "192.0.2.1", "192.168.0.1", "192.168.255.255", "198.18.0.1", "198.19.255.255",
        "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    ])
    func nonPublicIPv4IsRefused(_ text: String) throws {
        #expect(try !Self.isPublic(text))
    }

    @Test(arguments: [
        "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
        "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
        "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255",
    ])
    func publicIPv4IsAllowed(_ text: String) throws {
        #expect(try Self.isPublic(text))
    }

    @Test(arguments: [
        "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1", "ff0e::1",
        "2001:db8::1", "2001::1", "2002:a00:1::1", "3fff::1", "64:ff9b::a00:1", "::a00:1", "1fff:ffff::1",
        "4000::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:192.168.1.1", "::ffff:100.64.0.1",
        "::ffff:169.254.169.254", "::ffff:0.0.0.0",
    ])
    func nonPublicIPv6IsRefused(_ text: String) throws {
        #expect(try !Self.isPublic(text))
    }

    @Test(arguments: ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "2000::1", "3ffe::1", "::ffff:8.8.8.8", "2001:200::1"])
    func publicIPv6IsAllowed(_ text: String) throws {
        #expect(try Self.isPublic(text))
    }

    @Test func parsesAndPrintsBothFamilies() throws {
        #expect(try #require(IPAddress("192.0.2.1")).bytes == [192, 0, 2, 1])
        #expect(try #require(IPAddress("::ffff:127.0.0.1")).description == "::ffff:127.0.0.1")
        #expect(try #require(IPAddress("2001:DB8:0:0::1")).description == "2001:db8::1")
        #expect(IPAddress("localhost") == nil)
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test func policiesAllowWhatTheySay() throws {
        let loopback = try #require(IPAddress("127.0.0.1"))
        let publicOne = try #require(IPAddress("8.8.8.8"))
        #expect(AddressPolicy.any.allows(loopback))
        #expect(!AddressPolicy.publicOnly.allows(loopback))
        #expect(AddressPolicy.publicOnly.allows(publicOne))
    }
}
