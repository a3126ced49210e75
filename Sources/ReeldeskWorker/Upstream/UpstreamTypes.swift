/// What the upstream says about a task (CONTRACT.md §2), decoded tolerantly.
public struct UpstreamStatus: Sendable, Equatable {
    /// The upstream's task state. Unknown words are kept and treated as still running.
    public enum State: Sendable, Equatable {
        case pending, processing, completed, failed, cancelled, expired
        case other(String)

        package init(_ raw: String) {
            switch raw.lowercased() {
            case "pending", "submitted", "queued": self = .pending
            case "processing", "in_progress", "running": self = .processing
            case "completed", "succeeded", "success": self = .completed
            case "failed", "failure": self = .failed
            case "cancelled", "canceled": self = .cancelled
            case "expired": self = .expired
            default: self = .other(raw)
            }
        }

        /// Completed, failed, cancelled and expired end a task; anything else does not.
        public var isTerminal: Bool {
            switch self {
            case .completed, .failed, .cancelled, .expired: true
            case .pending, .processing, .other: false
            }
        }
    }

    public var state: State
    public var progress: Int?
    public var videoURLs: [String]
    /// Unix seconds after which the video URL stops working.
    public var expiresAt: Double?
    public var errorMessage: String?
    public var created: Double?
    public var completed: Double?
    public var estimatedSeconds: Int?
    public var actualSeconds: Int?

    package init(
        state: State,
        progress: Int? = nil,
        videoURLs: [String],
        expiresAt: Double? = nil,
        errorMessage: String? = nil,
        created: Double? = nil,
        completed: Double? = nil,
        estimatedSeconds: Int? = nil,
        actualSeconds: Int? = nil
    ) {
        self.state = state
        self.progress = progress
        self.videoURLs = videoURLs
        self.expiresAt = expiresAt
        self.errorMessage = errorMessage
        self.created = created
        self.completed = completed
        self.estimatedSeconds = estimatedSeconds
        self.actualSeconds = actualSeconds
    }
}

/// Every way an upstream call can fail, classified so the poller knows what to do.
public enum UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400 on submit: the request itself is wrong; retrying cannot help.
    case invalidRequest(String)
    /// 401: the API key is wrong or revoked.
    case authentication(String)
    /// 402: the account's balance is exhausted.
    case balance(String)
    /// 403: the key may not use this model or feature.
    case forbidden(String)
    /// 400/404 on status: the upstream no longer knows the task.
    case notFound(String)
    /// 429: too many requests; `retryAfter` seconds when the upstream said so.
    case rateLimited(retryAfter: Double?)
    /// 5xx, timeouts, connection errors, malformed bodies: worth retrying later.
    case transient(String)

    /// True for failures that a later retry may fix.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .transient: true
        default: false
        }
    }

    /// A sentence for the task page. Never contains the API key (we never put it in errors).
    public var description: String {
        switch self {
        case .invalidRequest(let m): "The upstream rejected the request: \(m)"
        case .authentication(let m): "The upstream rejected the API key: \(m)"
        case .balance(let m): "The upstream account has no balance left: \(m)"
        case .forbidden(let m): "The upstream refused access: \(m)"
        case .notFound(let m): "The upstream no longer knows this task: \(m)"
        case .rateLimited(let after): "The upstream is rate limiting" + (after.map { " (retry after \(Int($0)) s)" } ?? "")
        case .transient(let m): "The upstream is temporarily unavailable: \(m)"
        }
    }
}
