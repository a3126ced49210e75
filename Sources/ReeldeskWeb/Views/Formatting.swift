import Foundation
import Glibc

/// Small, allocation-light formatters for views (no DateFormatter on the hot path).
package enum Formatting {
    /// `2026-11-27 06:40 UTC` for a unix time.
    package static func utc(_ t: Double) -> String {
        let (date, hour, minute, _) = parts(t)
        return "\(date) \(hour):\(minute) UTC"
    }

    /// `2026-11-27T06:40:12Z` for `<time datetime>`.
    package static func iso(_ t: Double) -> String {
        let (date, hour, minute, second) = parts(t)
        return "\(date)T\(hour):\(minute):\(second)Z"
    }

    /// The UTC date (`2026-11-27`) and zero-padded hour, minute and second of a unix time.
    private static func parts(_ t: Double) -> (String, String, String, String) {
        var secs = time_t(t)
        var tm = tm()
        gmtime_r(&secs, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return ("\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))", two(tm.tm_hour), two(tm.tm_min), two(tm.tm_sec))
    }

    /// `$0.26` (two decimals, rounded).
    package static func usd(_ v: Double) -> String {
        let cents = Int((v * 100).rounded())
        let c = cents % 100
        return "$\(cents / 100).\(c < 10 ? "0" : "")\(c)"
    }

    /// `2 min 05 s`, `45 s`.
    package static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s) s" }
        let rest = s % 60
        return "\(s / 60) min \(rest < 10 ? "0" : "")\(rest) s"
    }

    /// The first `n` characters of `s`, with an ellipsis when cut.
    package static func excerpt(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(n - 1)) + "…"
    }

    /// `2026-11-27` as the start of that day, UTC.
    package static func parseDay(_ s: String) -> Double? {
        let parts = s.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1970...9999).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: DateComponents(year: y, month: m, day: d))?.timeIntervalSince1970
    }
}
