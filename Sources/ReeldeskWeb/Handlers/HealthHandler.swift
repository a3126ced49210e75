import SQLite
import WebCore

/// GET /healthz: 200 with `{"status":"ok","database":"ok","version":…}`, or 503 when the
/// database cannot answer.
package struct HealthHandler {
    package let context: AppContext

    package func check(database: Database?) -> Response {
        let dbOK = (try? database?.prepare("SELECT 1").first { $0.int(0) == 1 }) == true
        let json = #"{"status":"\#(dbOK ? "ok" : "degraded")","database":"\#(dbOK ? "ok" : "unreachable")","version":"\#(ReeldeskVersion.current)","streams":\#(context.hub.streamCount)}"#
        var response = Response.json(Array(json.utf8), status: dbOK ? .ok : .serviceUnavailable)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}

/// The release this build belongs to.
public enum ReeldeskVersion {
    public static let current = "0.1.0"
}
