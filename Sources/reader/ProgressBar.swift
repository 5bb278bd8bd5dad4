import Foundation
import ReaderSync

/// A one-line progress display on a terminal, redrawn in place.
enum ProgressBar {
    static func render(_ progress: AsyncStream<SyncProgress>) async {
        var drew = false
        for await event in progress {
            let text: String
            switch event {
            case .pushing(let sent, let total):
                let width = 24
                let filled = total > 0 ? width * sent / total : width
                text = "pushing [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(sent)/\(total)"
            case .pulling(let changes, let pages):
                text = "pulling \(changes) change\(changes == 1 ? "" : "s") (\(pages) page\(pages == 1 ? "" : "s"))"
            case .resyncing:
                text = "the server no longer has this device's history: pulling everything again"
            case .finished:
                continue
            }
            FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + text).utf8))
            drew = true
        }
        if drew { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
