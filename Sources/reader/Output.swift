import Foundation
import ReaderModels
import ReaderStore

/// Writing to the terminal: JSON documents, aligned text, and error lines.
enum Output {
    /// True when stdout is a terminal, so highlights may use ANSI bold.
    static let isTerminal = isatty(STDOUT_FILENO) == 1

    static func json(_ value: some Encodable) throws {
        FileHandle.standardOutput.write(try CanonicalJSON.encode(value))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("reader: \(message)\n".utf8))
    }

    /// The first characters of an id, enough to name it in text output.
    static func short(_ id: String) -> String { String(id.prefix(8)) }

    /// A size in bytes in human units: `812 B`, `4.2 KB`, `31.0 MB`, `1.3 GB` (powers of 1,024).
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// The date part of a stored timestamp.
    static func day(_ timestamp: String?) -> String { timestamp.map { String($0.prefix(10)) } ?? "—         " }

    /// The day of an instant in UTC, as the store writes it (`2026-11-25`).
    static func day(_ date: Date?) -> String { day(date.map { Timestamp.format($0) }) }

    /// `text` cut to `width` characters, with an ellipsis when cut, padded to `width`.
    static func fit(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        let cut = flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
        return cut + String(repeating: " ", count: max(0, width - cut.count))
    }
}
