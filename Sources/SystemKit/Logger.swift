import Foundation
import Synchronization

/// Severity of a log line; lines below a sink's threshold are dropped.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var label: String {
        switch self {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARN"
        case .error: "ERROR"
        }
    }

    /// Parses `trace`, `debug`, `info`, `notice`, `warning`/`warn`, `error` (any case).
    public init?(name: String) {
        switch name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warning", "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}

/// One log event: a fixed message plus values as fields.
public struct LogRecord: Sendable, Equatable {
    public var level: LogLevel
    public var component: String
    public var message: String
    public var fields: [(String, String)]

    public static func == (lhs: LogRecord, rhs: LogRecord) -> Bool {
        lhs.level == rhs.level && lhs.component == rhs.component && lhs.message == rhs.message
            && lhs.fields.elementsEqual(rhs.fields, by: { $0 == $1 })
    }

    public func field(_ key: String) -> String? { fields.first { $0.0 == key }?.1 }

    /// `LEVEL component message key=value ...`; values with spaces or quotes are quoted.
    public func rendered() -> String {
        var line = "\(level.label) \(component) \(message)"
        for (key, value) in fields {
            line += " \(key)=\(LogRecord.quoteIfNeeded(value))"
        }
        return line
    }

    static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        var escaped = ""
        for ch in value {
            switch ch {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(ch)
            }
        }
        return "\"\(escaped)\""
    }
}

/// Where log records go. Implementations must be safe to call from any thread.
public protocol LogSink: Sendable {
    var threshold: LogLevel { get }
    func write(_ record: LogRecord)
}

/// Writes one line per record to standard error, prefixed with a UTC timestamp.
public final class StandardErrorSink: LogSink {
    public let threshold: LogLevel
    private let lock = Mutex(())

    public init(threshold: LogLevel) { self.threshold = threshold }

    public func write(_ record: LogRecord) {
        let line = "\(Self.timestamp()) \(record.rendered())\n"
        lock.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = now.tv_nsec / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
            parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(millis))
    }
}

/// Keeps records in memory so tests can assert on them.
public final class MemorySink: LogSink {
    public let threshold: LogLevel
    private let storage = Mutex<[LogRecord]>([])

    public init(threshold: LogLevel = .trace) { self.threshold = threshold }

    public func write(_ record: LogRecord) { storage.withLock { $0.append(record) } }

    public var records: [LogRecord] { storage.withLock { $0 } }
}

/// A component's logger: `logger.info("service healthy", ["service": "web"])`.
public struct Logger: Sendable {
    public let component: String
    public let sink: any LogSink
    /// Fields added to every line, such as the instance a controller serves.
    public var metadata: [(String, String)]

    public init(component: String, sink: any LogSink = Logger.defaultSink, metadata: [(String, String)] = []) {
        self.component = component
        self.sink = sink
        self.metadata = metadata
    }

    /// A logger for another component writing to the same sink.
    public func child(component: String) -> Logger {
        Logger(component: component, sink: sink, metadata: metadata)
    }

    /// The same logger with one more field on every line.
    public func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata.append((key, value))
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= sink.threshold }

    public func log(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard isEnabled(level) else { return }
        var all = metadata
        for (key, value) in fields { all.append((key, value)) }
        sink.write(LogRecord(level: level, component: component, message: message, fields: all))
    }

    public func trace(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.trace, message, fields) }
    public func debug(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.info, message, fields) }
    public func notice(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.notice, message, fields)
    }
    public func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.warning, message, fields)
    }
    public func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.error, message, fields) }

    /// The process-wide default: standard error, threshold from `MINI_COMPOSE_LOG_LEVEL` (default info).
    public static let defaultSink: any LogSink = StandardErrorSink(
        threshold: ProcessInfo.processInfo.environment["MINI_COMPOSE_LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info)
}
