import ReaderHTTP

/// Settings shared by every request a `CurlHTTPClient` makes.
public struct HTTPClientConfiguration: Sendable {
    /// The product token that starts the User-Agent, e.g. `"reader/0.1.0"`.
    public var product: String
    /// The full `User-Agent` header; by default the product, the project's address and the
    /// libcurl version.
    public var userAgent: String
    /// A PEM file of extra certificate authorities to trust in addition to the system's
    /// (e.g. a company proxy or a self-hosted server). TLS verification is always on.
    public var extraCABundlePath: String?
    /// Which proxy to use.
    public var proxy: Proxy
    /// The most connections opened to one host at a time; further transfers wait their turn.
    public var maxConnectionsPerHost: Int
    /// How many idle connections to keep open for reuse.
    public var maxIdleConnections: Int
    /// How many bytes of a streamed body may wait for the consumer before the transfer is
    /// paused; bounds memory per stream.
    public var streamBufferBytes: Int
    /// Which addresses connections may go to, checked on the address actually connected,
    /// on every redirect hop. `AddressPolicy.any` by default; a server fetching URLs its
    /// users give it uses `AddressPolicy.publicOnly`.
    public var addressPolicy: AddressPolicy

    /// How requests reach the network.
    public enum Proxy: Sendable, Hashable {
        /// Use `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy` from the environment
        /// (lower case; libcurl ignores upper-case `HTTP_PROXY` on purpose).
        case environment
        /// Connect directly, whatever the environment says.
        case direct
        /// Use this proxy URL, e.g. `"http://proxy.example:3128"`.
        case url(String)
    }

    /// The version this module reports by default in its User-Agent.
    public static let defaultProduct = "reader/0.1.0"

    /// Creates a configuration; the defaults suit the CLI and the sync engine.
    public init(
        product: String = HTTPClientConfiguration.defaultProduct,
        userAgent: String? = nil,
        extraCABundlePath: String? = nil,
        proxy: Proxy = .environment,
        maxConnectionsPerHost: Int = 8,
        maxIdleConnections: Int = 32,
        streamBufferBytes: Int = 1 << 20,
        addressPolicy: AddressPolicy = .any
    ) {
        self.product = product
        self.userAgent = userAgent ?? "\(product) (+https://github.com/reader-core) libcurl/\(Curl.version)"
        self.extraCABundlePath = extraCABundlePath
        self.proxy = proxy
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxIdleConnections = maxIdleConnections
        self.streamBufferBytes = streamBufferBytes
        self.addressPolicy = addressPolicy
    }
}
