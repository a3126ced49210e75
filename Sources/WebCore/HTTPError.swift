/// An error that maps to an HTTP error page. `message` is shown to the browser, so it must never
/// carry internals; `detail` goes to the log only.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    public let message: String
    public let detail: String?
    /// For 405: the methods the resource does answer.
    public let allowed: [HTTPMethod]

    public init(_ status: HTTPStatus, _ message: String, detail: String? = nil, allowed: [HTTPMethod] = []) {
        self.status = status
        self.message = message
        self.detail = detail
        self.allowed = allowed
    }

    public var description: String {
        "HTTP \(status.code): \(message)" + (detail.map { " (\($0))" } ?? "")
    }
}
