import Foundation
import ReaderFetch
import ReaderSync

/// A one-line progress display on a terminal, redrawn in place (`ProgressLine` words it).
enum ProgressBar {
    static func render(_ progress: AsyncStream<SyncProgress>) async {
        var drew = false
        var step: (name: String, started: ContinuousClock.Instant)?
        // A step began when the one before it last reported (or when the display began):
        // its first event comes after its first batch or page, not before.
        var last = ContinuousClock.now
        for await event in progress {
            let now = ContinuousClock.now
            // The rate is of the current step: pushing and pulling each start the clock again.
            let name = switch event {
            case .pushing: "pushing"
            case .pulling: "pulling"
            case .resyncing, .finished: "other"
            }
            if step?.name != name { step = (name, last) }
            last = now
            guard let text = ProgressLine.render(event, elapsed: now - (step?.started ?? now)) else { continue }
            draw(text)
            drew = true
        }
        if drew { clear() }
    }

    /// Refreshes with `refresher`, drawing feeds done of feeds due when `drawing`, and
    /// leaves the line empty for the summary that follows.
    static func refresh(_ refresher: FeedRefresher, force: Bool = false, drawing: Bool) async throws -> FeedRefreshReport {
        let started = ContinuousClock.now
        defer { if drawing { clear() } }
        return try await refresher.refresh(force: force) { progress in
            guard drawing else { return }
            draw(ProgressLine.render(
                verb: "refreshing", done: progress.done, total: progress.due, unit: "feeds", singular: "feed",
                elapsed: ContinuousClock.now - started
            ))
        }
    }

    /// Empties the line under the cursor, for the summary that follows.
    static func clear() {
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
    }

    /// Replaces the line under the cursor with `text`.
    static func draw(_ text: String) {
        FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + text).utf8))
    }
}
