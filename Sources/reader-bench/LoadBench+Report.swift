import Foundation

extension LoadBench {
    /// One engine's figures, one per line, as soon as its run ends.
    static func printLines(_ engine: Engine, _ figures: Figures, options: Options) {
        let title = engine.title
        let counts = LoadDevice.Kind.allCases.map { "\($0.rawValue) \(Report.grouped(figures.latencies[$0]?.count ?? 0))" }
        Report.line("load", options.devices, "\(title) requests/s", Report.rate(figures.answered, figures.seconds, unit: "req/s"),
                    "(answered in \(Int(figures.seconds)) s: \(counts.joined(separator: ", ")))")
        for kind in LoadDevice.Kind.allCases {
            let values = figures.latencies[kind] ?? []
            let goal = kind == .noop ? Goal(text: "p99 < \(Int(noopGoalSeconds * 1000)) ms", met: !values.isEmpty && percentile(values, 0.99) < noopGoalSeconds) : nil
            Report.line("load", options.devices, "\(title) \(kind.rawValue) p50/p99", latencyText(values), "(max \(millis(values.last ?? 0)))", goal: goal)
        }
        let examples = figures.errors.sorted { $0.value > $1.value }.prefix(3).map { "\($0.value)x \($0.key)" }
            + (figures.unacknowledged > 0 ? ["\(figures.unacknowledged) mutations unanswered at the end"] : [])
        Report.line("load", options.devices, "\(title) errors", Report.grouped(figures.errorCount),
                    examples.isEmpty ? "" : "(\(examples.joined(separator: "; ")))", goal: Goal(text: "0", met: figures.errorCount == 0))
        Report.line("load", options.devices, "\(title) lost mutations", Report.grouped(figures.lost.count),
                    "(of \(Report.grouped(figures.acknowledged)) acknowledged, looked for in every user's feed pulled back)",
                    goal: Goal(text: "0", met: figures.lost.isEmpty))
        for loss in figures.lost.prefix(10) { Report.note("LOST \(loss)") }
        if figures.lost.count > 10 { Report.note("… and \(figures.lost.count - 10) more") }
        Report.line("load", options.devices, "\(title) CPU, server", cpuText(figures.serverCPU, figures.cpuWindow),
                    "(each instance, over the \(Report.fixed(figures.cpuWindow, 1)) s the devices ran; PostgreSQL's own processes not counted; this process (the devices, and the RSS sampling every 2 ms): \(cpuText([figures.deviceCPU], figures.cpuWindow)))")
        Report.line("load", options.devices, "\(title) peak RSS, server", peaksText(figures.peaks),
                    "(VmHWM of each instance, first syncs, load and the check included)")
    }

    /// The engines side by side, with the goals.
    static func printTable(_ options: Options, results: [Engine: Figures], notRun: [Engine: String]) {
        let engines = options.engines
        let width = 22
        func row(_ label: String, _ cell: (Figures) -> String, goal: String = "") {
            var text = Report.pad(label, 30)
            for engine in engines {
                text += Report.padLeft(results[engine].map(cell) ?? "not measured", width)
            }
            if !goal.isEmpty { text += "   " + goal }
            Report.emit(text)
        }
        func verdict(_ met: (Figures) -> Bool) -> String {
            engines.map { engine in results[engine].map { met($0) ? "met" : "MISSED" } ?? "-" }.joined(separator: ", ")
        }
        Report.emit("")
        Report.note("side by side: \(options.devices) devices, \(options.seconds) s on each, pause \(options.pauseMillis) ms ±50%, load \(loadAverage())")
        Report.emit(Report.pad("", 30) + engines.map { Report.padLeft($0.title, width) }.joined())
        row("requests/s (answered)", { Report.rate($0.answered, $0.seconds, unit: "req/s") })
        for kind in LoadDevice.Kind.allCases {
            let goal = kind == .noop
                ? "goal p99 < \(Int(noopGoalSeconds * 1000)) ms: " + verdict { !($0.latencies[kind] ?? []).isEmpty && percentile($0.latencies[kind] ?? [], 0.99) < noopGoalSeconds }
                : ""
            row("\(kind.rawValue) p50 / p99", { latencyText($0.latencies[kind] ?? []) }, goal: goal)
        }
        row("errors", { Report.grouped($0.errorCount) }, goal: "goal 0: " + verdict { $0.errorCount == 0 })
        row("mutations acknowledged", { Report.grouped($0.acknowledged) })
        row("mutations lost", { Report.grouped($0.lost.count) }, goal: "goal 0: " + verdict { $0.lost.isEmpty })
        row("peak RSS reader-server", { peaksText($0.peaks) })
        row("CPU reader-server", { cpuText($0.serverCPU, $0.cpuWindow) })
        row("CPU this process (devices)", { cpuText([$0.deviceCPU], $0.cpuWindow) })
        for engine in engines {
            if let reason = notRun[engine] { Report.note("\(engine.title) not measured: \(reason)") }
        }
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    private static func latencyText(_ sorted: [Double]) -> String {
        sorted.isEmpty ? "none" : "\(millis(percentile(sorted, 0.5))) / \(millis(percentile(sorted, 0.99)))"
    }

    private static func millis(_ seconds: Double) -> String {
        Report.fixed(seconds * 1000, seconds < 0.1 ? 1 : 0) + " ms"
    }

    /// `41% + 38%` of one core over `seconds`.
    private static func cpuText(_ cpu: [Double], _ seconds: Double) -> String {
        cpu.isEmpty ? "?" : cpu.map { "\(Int(($0 / max(seconds, 1e-9) * 100).rounded()))%" }.joined(separator: " + ") + " of a core"
    }

    private static func peaksText(_ peaks: [Int]) -> String {
        peaks.isEmpty ? "?" : peaks.map { Report.megabytes($0) }.joined(separator: " + ")
    }
}
