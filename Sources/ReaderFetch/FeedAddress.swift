import Foundation

/// What a person types as a feed's address, made a URL the fetcher can ask.
public enum FeedAddress {
    /// `address` trimmed, `feed://` read as https, `https://` added when no scheme is given;
    /// nil unless it is an http or https URL with a host.
    public static func url(_ address: String) -> URL? {
        var text = address.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("feed://") { text = "https://" + text.dropFirst("feed://".count) }
        if !text.contains("://") { text = "https://" + text }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false
        else { return nil }
        return url
    }
}
