import Foundation

/// The GReader services `reader login` knows, and where each serves the API.
public enum GReaderService: String, Sendable, CaseIterable {
    /// FreshRSS: the API lives under `/api/greader.php` of the instance.
    case freshrss
    /// Miniflux: the API is at the instance's root.
    case miniflux
    /// Inoreader: a fixed host, and every request carries the app's `AppId` and `AppKey`.
    case inoreader
    /// The Old Reader: a fixed host.
    case theoldreader
    /// BazQux Reader: a fixed host.
    case bazqux
    /// Any other server that serves the API at the URL given (`reader-server` among them).
    case generic

    /// The host of a service that has only one; nil for self-hosted ones.
    public var fixedURL: URL? {
        switch self {
        case .inoreader: URL(string: "https://www.inoreader.com")
        case .theoldreader: URL(string: "https://theoldreader.com")
        case .bazqux: URL(string: "https://bazqux.com")
        case .freshrss, .miniflux, .generic: nil
        }
    }

    /// Whether every request must carry `AppId` and `AppKey` headers.
    public var needsAppKey: Bool { self == .inoreader }

    /// The API's base URL for `server` (nil: the fixed host): FreshRSS's `/api/greader.php`
    /// is added unless the URL already ends with it.
    public func apiURL(server: URL?) -> URL? {
        guard let base = server ?? fixedURL else { return nil }
        guard self == .freshrss, !base.path.hasSuffix("/api/greader.php") else { return base }
        return base.appending(path: "api/greader.php")
    }

    /// The headers every request to the service carries.
    public static func appHeaders(appID: String, appKey: String) -> [String: String] {
        ["AppId": appID, "AppKey": appKey]
    }
}
