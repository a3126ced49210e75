import Foundation

/// Decodes upstream JSON the way real responses vary (CONTRACT.md): with or without the
/// `{"code","data"}` envelope, `data` as an array or an object, `url` as a string or an array.
enum UpstreamDecoding {
    /// The task id from a submit response.
    static func submittedTaskID(_ body: [UInt8]) throws(UpstreamError) -> String {
        let object = try payload(body)
        guard let id = (object["task_id"] as? String) ?? (object["id"] as? String), !id.isEmpty else {
            throw .transient("submit response has no task id")
        }
        return id
    }

    /// The status of a task from a status response.
    static func status(_ body: [UInt8]) throws(UpstreamError) -> UpstreamStatus {
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
            state: .init(raw), progress: number(d["progress"]).map { max(0, min(100, Int($0))) },
            videoURLs: videos.filter { $0.hasPrefix("http://") || $0.hasPrefix("https://") },
            expiresAt: expires, errorMessage: message, created: number(d["created"]), completed: number(d["completed"]),
            estimatedSeconds: number(d["estimated_time"]).map { Int($0) }, actualSeconds: number(d["actual_time"]).map { Int($0) })
    }

    /// The error message of an error body (`{"error":{"message":…}}`), if there is one.
    static func errorMessage(_ body: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let e = json["error"] as? [String: Any] { return e["message"] as? String }
        return json["message"] as? String
    }

    /// The task object: unwraps the envelope and a one-element `data` array.
    static func payload(_ body: [UInt8]) throws(UpstreamError) -> [String: Any] {
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

    static func number(_ v: Any?) -> Double? {
        switch v {
        case let n as NSNumber: n.doubleValue
        case let s as String: Double(s)
        default: nil
        }
    }
}
