/// The one line a terminal shows while a long step runs: a determinate bar with the count,
/// the percentage and the rate when the total is known, the count and the rate otherwise.
///
/// A pure function of counts and elapsed time, so the CLI only redraws what it returns and
/// tests hold the wording.
package enum ProgressLine {
    /// Width of the bar in characters, brackets excluded.
    static let barWidth = 24

    /// `pulling [########................] 12000/35800 changes  33%  2140/s`, or
    /// `pulling 12000 changes (60 pages)  2140/s` without a total.
    ///
    /// - Parameters:
    ///   - verb: what is happening, `pulling`.
    ///   - done: items done so far in this step.
    ///   - total: items the step will have done when it ends, if known.
    ///   - unit: the plural noun of an item, `changes`; `singular` when `done` is 1 and no
    ///     total is shown.
    ///   - detail: shown in brackets after the count when there is no total, `60 pages`.
    ///   - elapsed: time since the step began; no rate is shown before a tenth of a second.
    package static func render(
        verb: String, done: Int, total: Int?, unit: String, singular: String? = nil, detail: String? = nil, elapsed: Duration
    ) -> String {
        let done = max(0, done)
        var text = verb + " "
        if let total, total > 0 {
            // A total that grew less than what is done (changes made meanwhile) never
            // draws a bar past its end.
            let shown = min(done, total)
            let filled = barWidth * shown / total
            let percent = 100 * shown / total
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "] "
            text += "\(done)/\(total) \(unit)  \(percent)%"
        } else {
            text += "\(done) \(done == 1 ? singular ?? unit : unit)"
            if let detail { text += " (\(detail))" }
        }
        if let rate = rate(done, elapsed) { text += "  " + rate }
        return text
    }

    /// The line for one event of a sync, or nil for an event that draws nothing.
    package static func render(_ event: SyncProgress, elapsed: Duration) -> String? {
        switch event {
        case .pushing(let sent, let total):
            render(verb: "pushing", done: sent, total: total, unit: "mutations", singular: "mutation", elapsed: elapsed)
        case .pulling(let changes, let pages, let remaining):
            render(
                verb: "pulling", done: changes, total: remaining.map { changes + $0 }, unit: "changes", singular: "change",
                detail: "\(pages) page\(pages == 1 ? "" : "s")", elapsed: elapsed
            )
        case .resyncing:
            "the server no longer has this device's history: pulling everything again"
        case .finished:
            nil
        }
    }

    /// `2140/s`, `3.5/s`; nil before a tenth of a second has passed or with nothing done.
    package static func rate(_ done: Int, _ elapsed: Duration) -> String? {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds >= 0.1, done > 0 else { return nil }
        let perSecond = Double(done) / seconds
        if perSecond >= 10 { return "\(Int(perSecond.rounded()))/s" }
        return "\((perSecond * 10).rounded() / 10)/s"
    }
}
