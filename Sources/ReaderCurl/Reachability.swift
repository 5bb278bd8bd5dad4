import Foundation
import ReaderHTTP

/// Just enough of the network's state to tell "offline" from "that server is down".
enum Reachability {
    /// Whether any interface other than loopback is up and running.
    static func hasNetworkInterface() -> Bool {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return true }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            let flags = Int32(bitPattern: entry.pointee.ifa_flags)
            let family = entry.pointee.ifa_addr?.pointee.sa_family
            let isIP = family == sa_family_t(AF_INET) || family == sa_family_t(AF_INET6)
            if isIP, flags & Int32(IFF_UP) != 0, flags & Int32(IFF_RUNNING) != 0, flags & Int32(IFF_LOOPBACK) == 0 {
                return true
            }
            cursor = entry.pointee.ifa_next
        }
        return false
    }

    /// Whether `host` names this machine, where "offline" never applies.
    static func isLoopback(host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1"
    }
}
