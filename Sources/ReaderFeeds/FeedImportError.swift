/// Why a file could not be imported, as one line a person can act on: the file, the line
/// where the importer stopped when there is one, and what is wrong there.
///
/// `description` reads like a compiler diagnostic:
/// `digest.txt:14: byline "By Ana Ruiz" has no title above it`.
public struct FeedImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path exactly as it was given to ``FeedFile/read(path:format:each:)``.
    public var file: String
    /// The 1-based line where the problem was found, when the format has lines to point at.
    public var line: Int?
    /// What is wrong, in words, without a closing full stop.
    public var reason: String

    /// Makes an error for `file`, optionally pointing at `line`.
    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`, or `file: reason` when there is no line.
    public var description: String {
        if let line { "\(file):\(line): \(reason)" } else { "\(file): \(reason)" }
    }
}
