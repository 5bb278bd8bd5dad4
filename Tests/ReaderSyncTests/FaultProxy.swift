import Foundation
import LoopbackHTTP
import Synchronization

/// An HTTP proxy for tests that stands between a device and the real server and
/// misbehaves on purpose: it drops, delays, duplicates, truncates and resets, and answers
/// 500 / 503 / 429 with Retry-After, chosen per request by a seeded generator.
final class FaultProxy: Sendable {
    enum Fault: String, CaseIterable, Sendable {
        /// Forwarded; the answer is passed back.
        case none
        /// Forwarded, then the connection is closed without an answer: the server applied
        /// the request but the device never hears of it.
        case dropAnswer
        /// Forwarded after a pause.
        case delay
        /// Forwarded twice; the second answer is passed back.
        case duplicate
        /// Forwarded; half of the answer is passed back, then the connection closes.
        case truncate
        /// Not forwarded; the connection is reset.
        case reset
        /// Not forwarded; answered with an error status.
        case error500, error503, error429
    }

    private let server: LoopbackServer
    private let state: StateBox

    /// The proxy's mutable state, shared with the server's handler threads.
    private final class StateBox: Sendable {
        let mutex: Mutex<State>
        init(_ state: State) { mutex = Mutex(state) }
        func withLock<T>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    private struct State {
        var rng: SeededGenerator
        var enabled = true
        var counts: [Fault: Int] = [:]
    }

    /// The proxy's base URL: give it to the device instead of the server's.
    var url: URL { server.url("") }

    /// How many times each fault was used.
    var counts: [Fault: Int] { state.withLock { $0.counts } }

    /// Turns faults on or off (off: a plain proxy).
    func setFaults(_ enabled: Bool) { state.withLock { $0.enabled = enabled } }

    init(upstream: URL, seed: UInt64) throws {
        let state = StateBox(State(rng: SeededGenerator(seed: seed)))
        self.state = state
        let port = UInt16(upstream.port ?? 80)
        server = try LoopbackServer { request, connection in
            let fault: Fault = state.withLock { state in
                guard state.enabled else { return .none }
                // Half the requests pass untouched; the rest get one fault each.
                let fault = Int.random(in: 0..<2, using: &state.rng) == 0
                    ? .none : Fault.allCases.randomElement(using: &state.rng) ?? .none
                state.counts[fault, default: 0] += 1
                return fault
            }
            switch fault {
            case .reset:
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(connection.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                connection.close()
            case .error500:
                connection.respond(500, [("Content-Type", "application/json")], text: #"{"error":{"code":"internal","message":"injected"}}"#)
            case .error503:
                connection.respond(503, [("Retry-After", "0")], text: "busy")
            case .error429:
                connection.respond(429, [("Retry-After", "1")], text: "slow down")
            case .none, .delay, .duplicate, .dropAnswer, .truncate:
                if fault == .delay { Thread.sleep(forTimeInterval: 0.15) }
                if fault == .duplicate { _ = Self.forward(request, port: port) }
                guard let answer = Self.forward(request, port: port) else {
                    connection.close()
                    return
                }
                switch fault {
                case .dropAnswer:
                    connection.close()
                case .truncate:
                    connection.write(Array(answer.prefix(max(1, answer.count / 2))))
                    connection.close()
                default:
                    connection.write(answer)
                }
            }
        }
    }

    deinit { server.stop() }

    /// Sends the request to the server on a fresh connection and returns its whole answer
    /// (head and body, as sent), or nil when the server cannot be reached.
    private static func forward(_ request: LoopbackServer.Request, port: UInt16) -> [UInt8]? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var head = "\(request.method) \(request.target) HTTP/1.1\r\n"
        for (name, value) in request.headers where !["connection", "keep-alive", "accept-encoding"].contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        head += "Connection: close\r\n\r\n"
        let outgoing = Array(head.utf8) + request.body
        var offset = 0
        while offset < outgoing.count {
            let sent = outgoing[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return nil }
            offset += sent
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            answer += chunk[..<count]
        }
        return answer.isEmpty ? nil : answer
    }
}
