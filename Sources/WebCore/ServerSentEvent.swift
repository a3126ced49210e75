/// One Server-Sent Event and its wire encoding (WHATWG HTML §9.2).
public struct ServerSentEvent: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let data: String
    /// The task this event is about, so subscribers can be filtered without parsing `data`.
    public let taskID: Int64?
    /// Who may receive it (checked by each stream's subscription; the rule lives in the app).
    public let audience: EventAudience

    public init(id: Int64, name: String, data: String, taskID: Int64? = nil, audience: EventAudience = .everyone) {
        self.id = id
        self.name = name
        self.data = data
        self.taskID = taskID
        self.audience = audience
    }

    /// `id:`, `event:` and one `data:` line per line of `data`, ending with a blank line.
    /// CR and LF inside the name are dropped so a name can never start a new field.
    public var encoded: [UInt8] {
        var out = "id: \(id)\n"
        let safeName = String(name.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
        if !safeName.isEmpty { out += "event: \(safeName)\n" }
        var lines: [Substring] = []
        var current = Substring("")
        var iterator = data[...]
        while let c = iterator.first {
            iterator = iterator.dropFirst()
            if c == "\r\n" || c == "\n" || c == "\r" {
                lines.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        lines.append(current)
        for line in lines { out += "data: \(line)\n" }
        out += "\n"
        return Array(out.utf8)
    }

    /// A comment line that keeps proxies from closing an idle stream.
    public static let ping: [UInt8] = Array(": ping\n\n".utf8)

    /// How long a browser waits before it reconnects a dropped stream (the `retry:` field; the
    /// browser's own default is about 3 s, too eager for a server that just restarted).
    public static let reconnectMilliseconds = 5000
    /// The first bytes of every stream: the reconnect pace.
    public static let retry: [UInt8] = Array("retry: \(reconnectMilliseconds)\n\n".utf8)

    /// Parses a `Last-Event-ID` value: a non-negative decimal id, anything else means "none".
    public static func parseLastEventID(_ raw: String?) -> Int64? {
        guard let raw = raw?.utf8, !raw.isEmpty, raw.count <= 19,
              raw.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(String(decoding: raw, as: UTF8.self))
    }
}

/// Who an event is for: everyone signed in, one account (and admins), everyone but one account
/// and the admins (a task its owner just made private, gone for the others), or no browser at
/// all (an internal notice such as a session that ended).
public enum EventAudience: Sendable, Equatable {
    case everyone
    case owner(Int64)
    case othersThan(Int64)
    case nobody
}
