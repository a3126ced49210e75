import ReeldeskStore

/// What the worker hands out that only the web edge can make: the link the upstream fetches an
/// uploaded frame by, and a webhook's body (the API's JSON of a task, with its page link). The
/// composition root builds it from the routes and the API's one shape of a task, so the worker
/// holds no URL and no JSON shape of its own.
package struct PortalLinks: Sendable {
    /// An absolute link to uploaded `file` that works until `expires` (Unix seconds).
    package var frameURL: @Sendable (_ file: String, _ expires: Int64) -> String
    /// The body of the `task.finished` webhook numbered `delivery`.
    package var webhookBody: @Sendable (_ delivery: Int64, _ task: TaskRecord) throws -> [UInt8]

    package init(frameURL: @escaping @Sendable (_ file: String, _ expires: Int64) -> String,
                 webhookBody: @escaping @Sendable (_ delivery: Int64, _ task: TaskRecord) throws -> [UInt8]) {
        self.frameURL = frameURL
        self.webhookBody = webhookBody
    }
}
