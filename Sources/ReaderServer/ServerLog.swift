import Foundation
import Logging
import ReaderModels

/// Writes each swift-log message as one JSON object on one line:
/// `{"ts":…,"level":…,"msg":…,` then the metadata, keys sorted}. Metadata values that are
/// integers, floating-point numbers or booleans stay numbers and booleans; ``ServerLog/null``
/// is JSON `null`. The server's one log format: requests, refreshes, retention, and
/// Hummingbird's and ServiceLifecycle's own lines all come through it.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package var logLevel: Logger.Level
    let sink: AccessLogSink

    package init(sink: AccessLogSink, level: Logger.Level) {
        self.sink = sink
        logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var members = metadata
        if let provided = metadataProvider?.get() { members.merge(provided) { _, new in new } }
        if let extra = event.metadata { members.merge(extra) { _, new in new } }
        var head = JSONWriter()
        head.beginObject()
        head.member("ts", Timestamp.format(millis: ServerClock.systemMillis()))
        head.member("level", event.level.rawValue)
        head.member("msg", event.message.description)
        head.endObject()
        guard !members.isEmpty else { return sink.write(head.text) }
        var tail = JSONWriter()
        tail.value(.object(members.mapValues(Self.json)))
        // The fixed members first, for a person reading the line, then the metadata in
        // JSONWriter's canonical (sorted) order: `{head…}` and `{tail…}` become one object.
        sink.write(String(head.text.dropLast()) + "," + String(tail.text.dropFirst()))
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let members): return .object(members.mapValues(json))
        case .stringConvertible(let value):
            switch value {
            case is ServerLog.Null: return .null
            case let number as Int: return .number(Double(number))
            case let number as Int64: return .number(Double(number))
            case let number as Double: return .number(number)
            case let flag as Bool: return .bool(flag)
            default: return .string(value.description)
            }
        }
    }
}

/// The server's loggers, all writing JSON lines through one ``AccessLogSink``.
package enum ServerLog {
    /// JSON `null` as a metadata value (a request no user was authenticated for).
    package struct Null: CustomStringConvertible, Sendable {
        package var description: String { "null" }
    }

    /// `null` in a log line.
    package static let null = Logger.Metadata.Value.stringConvertible(Null())

    /// A logger writing JSON lines to `sink`, at `sink.level` and above.
    package static func logger(label: String = "reader-server", sink: AccessLogSink) -> Logger {
        Logger(label: label) { _ in JSONLogHandler(sink: sink, level: sink.level) }
    }

    /// The level named `text` (trace, debug, info, notice, warning, error, critical); nil
    /// for anything else.
    package static func level(named text: String) -> Logger.Level? {
        Logger.Level(rawValue: text.lowercased())
    }
}
