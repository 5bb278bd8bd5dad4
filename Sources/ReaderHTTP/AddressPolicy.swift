/// Which addresses a client may connect to, judged on the address it resolved and is about
/// to connect, for every connection of every redirect hop (ReaderCurl's `CurlHTTPClient`
/// checks it as libcurl is about to connect): a host name that resolves to 127.0.0.1, or a
/// redirect to a private address, is judged by where it really leads.
///
/// A server fetching URLs its users give it uses ``publicOnly``, so nobody can make it reach
/// into its own machine or network; a person's own reader uses ``any``.
public struct AddressPolicy: Sendable {
    private let rule: @Sendable (IPAddress) -> Bool
    /// Whether every address is allowed, so no check need be installed at all.
    package let isUnrestricted: Bool

    /// A policy that allows the addresses for which `allows` is true.
    public init(allowing allows: @escaping @Sendable (IPAddress) -> Bool) {
        rule = allows
        isUnrestricted = false
    }

    private init(unrestricted: Void) {
        rule = { _ in true }
        isUnrestricted = true
    }

    /// Every address, loopback and the local network included (the default).
    public static let any = AddressPolicy(unrestricted: ())

    /// Public unicast addresses only (``IPAddress/isPublic``).
    public static let publicOnly = AddressPolicy { $0.isPublic }

    /// Whether connecting to `address` is allowed.
    public func allows(_ address: IPAddress) -> Bool { rule(address) }
}
