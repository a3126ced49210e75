import Foundation

/// Decodes upstream JSON the way real responses vary (CONTRACT.md): with or without the
/// `{"code","data"}` envelope, `data` as an array or an object, `url` as a string or an array.
package enum UpstreamDecoding {
    /// The task id from a submit response.
    package static func submittedTaskID(_ body: [UInt8]) throws(UpstreamError) -> String {
        let object = try payload(body)
        guard let id = (object["task_id"] as? String) ?? (object["id"] as? String), !id.isEmpty else {
            throw .transient("submit response has no task id")
        }
        return id
    }

    /// The status of a task from a status response.
    package static func status(_ body: [UInt8]) throws(UpstreamError) -> UpstreamStatus {
        let d = try payload(body)
        guard let raw = d["status"] as? String else { throw .transient("status response has no status") }
        var videos: [String] = []
        var expires: Double?
        if let result = d["result"] as? [String: Any], let list = result["videos"] as? [[String: Any]] {
            for v in list {
                if let s = v["url"] as? String { videos.append(s) }
                if let a = v["url"] as? [Any] { videos += a.compactMap { $0 as? String } }
                if expires == nil { expires = number(v["expires_at"]) }
            }
        }
        var message: String?
        if let e = d["error"] as? [String: Any] { message = e["message"] as? String }
        else if let e = d["error"] as? String { message = e }
        return UpstreamStatus(
            state: .init(raw), progress: number(d["progress"]).map { Int(max(0, min(100, $0))) },
            videoURLs: videos.filter { $0.hasPrefix("http://") || $0.hasPrefix("https://") },
            expiresAt: expires, errorMessage: message, created: number(d["created"]), completed: number(d["completed"]),
            estimatedSeconds: seconds(d["estimated_time"]), actualSeconds: seconds(d["actual_time"]))
    }

    /// The error message of an error body (`{"error":{"message":…}}`), if there is one.
    package static func errorMessage(_ body: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let e = json["error"] as? [String: Any] { return e["message"] as? String }
        return json["message"] as? String
    }

    /// The task object: unwraps the envelope and a one-element `data` array.
    package static func payload(_ body: [UInt8]) throws(UpstreamError) -> [String: Any] {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw .transient("malformed response body")
        }
        if let data = json["data"] as? [String: Any] { return data }
        if let list = json["data"] as? [[String: Any]] {
            guard let first = list.first else { throw .transient("response data is empty") }
            return first
        }
        return json
    }

    /// A finite number, from a JSON number or a numeric string ("nan" and "inf" are not numbers).
    package static func number(_ v: Any?) -> Double? {
        let d: Double? = switch v {
        case let n as NSNumber: n.doubleValue
        case let s as String: Double(s)
        default: nil
        }
        return d.flatMap { $0.isFinite ? $0 : nil }
    }

    /// A `Retry-After` in seconds, 0–300 (a longer hold would stall every task; the HTTP-date
    /// form and anything else are nil). `Int(Double("1e20")!)` traps, NaN stalls the limiter.
    package static func retryAfter(_ header: String?) -> Double? {
        number(header.map { $0.trimmingCharacters(in: .whitespaces) }).map { max(0, min(300, $0)) }
    }

    /// A duration in whole seconds, or nil when it is negative or beyond any plausible task
    /// (`Int(1e308)` traps: the fuzzer found the poller dying on such an answer).
    package static func seconds(_ v: Any?) -> Int? {
        number(v).flatMap { (0...1e9).contains($0) ? Int($0) : nil }
    }
}
