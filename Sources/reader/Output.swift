import Foundation
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

    /// The date part of a stored timestamp.
    static func day(_ timestamp: String?) -> String { timestamp.map { String($0.prefix(10)) } ?? "—         " }

    /// `text` cut to `width` characters, with an ellipsis when cut, padded to `width`.
    static func fit(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        let cut = flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
        return cut + String(repeating: " ", count: max(0, width - cut.count))
    }
}
