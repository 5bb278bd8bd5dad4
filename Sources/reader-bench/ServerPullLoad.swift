import Foundation
import ReaderHTTP
import ReaderModels

/// `reader-bench server --concurrent-pulls N [--notes M] [--note-kb K]`: the server's memory
/// when N clients pull large pages at the same moment. One user holds M notes of K KB each
/// (200 of 64 KB by default: 12.5 MB of text, which a server without a byte bound on pages
/// sends as one page of 1,000 changes); then N clients pull the whole feed at once, gzipped
/// as clients ask, pages of 1,000, each to its end. The figure is the server's peak RSS
/// over the pulls alone (`VmHWM`, reset through `/proc/PID/clear_refs` before they start).
enum ServerPullLoad {
    struct Options {
        var clients: Int
        var notes: Int
        var noteBytes: Int
    }

    static func run(_ options: Options, session: ServerBench.Session, serverPID: pid_t) async throws {
        let articleID = try await firstArticleID(session)
        try await pushNotes(options, articleID: articleID, session: session)
        let before = peakResidentBytes(of: serverPID) ?? 0
        let reset = resetPeak(of: serverPID)
        let start = ContinuousClock.now
        let bytes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<options.clients {
                group.addTask { try await pullAll(session) }
            }
            return try await group.reduce(0, +)
        }
        let seconds = (ContinuousClock.now - start).seconds
        let text = Report.megabytes(options.notes * options.noteBytes)
        guard let peak = peakResidentBytes(of: serverPID) else { throw BenchError("cannot read the server's peak RSS") }
        Report.line(
            "server", options.clients, "concurrent gzip pulls: peak RSS", Report.megabytes(peak),
            "(\(options.notes) notes of \(options.noteBytes / 1024) KB, \(text) of text; \(Report.megabytes(bytes)) of JSON pulled in \(Report.fixed(seconds, 1)) s; "
                + (reset ? "peak of the pulls alone, \(Report.megabytes(before)) before them)" : "peak since start: clear_refs refused)")
        )
    }

    /// Resets the child's `VmHWM` to its current RSS (Linux 4.0 and later).
    private static func resetPeak(of pid: pid_t) -> Bool {
        (try? "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    private static func firstArticleID(_ session: ServerBench.Session) async throws -> String {
        let response = try await session.client.send(session.request("v1/changes"), maxBodyBytes: 256 << 20)
        let page = try JSONDecoder().decode(ChangePage.self, from: Data(response.body))
        for change in page.changes {
            if case .article(let article) = change.change { return article.id }
        }
        throw BenchError("the server has no article to put notes on")
    }

    /// Pushes the notes, 20 a batch (a few MB, under the server's body limit).
    private static func pushNotes(_ options: Options, articleID: String, session: ServerBench.Session) async throws {
        var clock = HybridClock(node: "load")
        let wall = Int64(Date().timeIntervalSince1970 * 1000)
        let line = "A line of a long reading note, the kind people paste whole.\n"
        let body = String(String(repeating: line, count: options.noteBytes / line.utf8.count + 1).utf8.prefix(options.noteBytes - 8)) ?? ""
        for start in stride(from: 0, to: options.notes, by: 20) {
            let mutations = (start..<min(start + 20, options.notes)).map { index in
                WireMutation(
                    id: "load-\(index)", entity: .note, entityID: "load-note-\(index)", op: .create, baseRevision: nil,
                    fields: [
                        "article_id": .string(articleID), "body": .string(body + "\(index)"),
                        "created_at": .string(Timestamp.format(millis: wall)), "anchor": .null,
                    ],
                    hlc: clock.tick(wallMillis: wall)
                )
            }
            let request = Array(try JSONEncoder().encode(PushRequest(clientID: "load", mutations: mutations)))
            let response = try await session.client.send(session.request("v1/mutations", method: .post, body: request), maxBodyBytes: 256 << 20)
            guard response.status == 200 else { throw BenchError("push answered \(response.status): \(response.text.prefix(200))") }
        }
    }

    /// Pulls the feed from the start to its end; returns the bytes received.
    private static func pullAll(_ session: ServerBench.Session) async throws -> Int {
        var cursor = "0"
        var bytes = 0
        while true {
            var request = session.request("v1/changes")
            guard var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false) else { throw BenchError("bad URL") }
            components.queryItems = [URLQueryItem(name: "since", value: cursor), URLQueryItem(name: "limit", value: "1000")]
            guard let url = components.url else { throw BenchError("bad URL") }
            request.url = url
            request.timeouts = HTTPTimeouts(connect: .seconds(30), total: .seconds(600))
            let response = try await session.client.send(request, maxBodyBytes: 1 << 30)
            guard response.status == 200 else { throw BenchError("pull answered \(response.status): \(response.text.prefix(200))") }
            bytes += response.body.count
            let page = try JSONDecoder().decode(ChangePage.self, from: Data(response.body))
            cursor = page.nextCursor
            if !page.hasMore { return bytes }
        }
    }
}
