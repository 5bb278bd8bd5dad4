import Foundation

extension WireText {
    /// Why `text` is not a feed URL a server may be asked to fetch, or nil when it is one:
    /// an absolute `http` or `https` URL with a host that parses as a whole. (Its length and
    /// characters are `isURL`'s rules, checked first, with their own codes.) Anything else
    /// (`file:`, `gopher:`, a relative or malformed address) is refused when pushed, before
    /// any fetch, so a device cannot make a server open a local file or speak another protocol.
    package static func feedURLProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "is not an absolute URL"
        }
        guard scheme == "http" || scheme == "https" else {
            return "must be an http or https URL"
        }
        guard let host = components.host, !host.isEmpty, URL(string: text) != nil else {
            return "must name a host (http://host/path)"
        }
        return nil
    }
}
