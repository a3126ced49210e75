import Foundation
import Logging
import Synchronization

/// Writes one line per log record to stderr, with every control character in the message and
/// the metadata escaped (`\n` → `\\n`, others → `\\u{1b}`), so a value taken from a request
/// (a path, a header, an upstream message) can never forge a second log line.
public struct EscapingLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private static let output = Mutex<Void>(())

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var text = "\(Self.timestamp()) \(event.level) \(label): \(Self.escape(event.message.description))"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            text += " \(Self.escape(key))=\(Self.escape(value.description))"
        }
        text += "\n"
        Self.output.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// Escapes C0 controls, DEL and the backslash itself.
    package static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f || $0 == "\\" }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7f: out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    package static func timestamp() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        var tm = tm()
        var secs = t.tv_sec
        gmtime_r(&secs, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, t.tv_nsec / 1_000_000)
    }
}
