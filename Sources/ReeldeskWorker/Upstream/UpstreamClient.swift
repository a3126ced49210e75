import Curl
import Foundation
import Logging
import ReeldeskDomain

/// Speaks xcompute's video API (CONTRACT.md) over libcurl. Every call goes through the shared
/// rate limiter; failures come back classified as `UpstreamError`. The API key is only ever
/// put in the Authorization header: never in a URL, an error or a log line.
public struct UpstreamClient: Sendable {
    public let baseURL: String
    private let apiKey: String
    public let limiter: RateLimiter
    public let timeoutMs: Int
    private let logger: Logger
    /// Everything the upstream says passes through this before Reeldesk keeps or shows it.
    public let scrubber: SecretScrubber

    public init(baseURL: String, apiKey: String, limiter: RateLimiter, timeoutMs: Int = 30_000, logger: Logger) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.limiter = limiter
        self.timeoutMs = timeoutMs
        self.logger = logger
        self.scrubber = SecretScrubber(secrets: [apiKey])
    }

    /// Submits a generation; returns the upstream task id.
    public func submit(_ parameters: VideoParameters, idempotencyKey: String) throws(UpstreamError) -> String {
        let result = try call("POST", "/v1/videos/generations", body: UpstreamRequestBody.json(parameters),
                              extraHeaders: ["Idempotency-Key: \(idempotencyKey)"], isStatus: false)
        let id = try UpstreamDecoding.submittedTaskID(result.body)
        guard id.utf8.count <= 200, !id.hasForbiddenControlCharacter, !scrubber.containsSecret(id) else {
            throw .transient("the submit response has an unusable task id")
        }
        return id
    }

    /// The current status of an upstream task.
    public func status(taskID: String) throws(UpstreamError) -> UpstreamStatus {
        let escaped = taskID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? taskID
        let result = try call("GET", "/v1/tasks/\(escaped)?language=en", body: nil, extraHeaders: [], isStatus: true)
        var status = try UpstreamDecoding.status(result.body)
        status.errorMessage = status.errorMessage.map(scrubber.scrub)
        // A link that carries a credential is not kept (it would be stored and logged).
        status.videoURLs = status.videoURLs.filter { !scrubber.containsSecret($0) }
        return status
    }

    private func call(_ method: String, _ path: String, body: [UInt8]?, extraHeaders: [String], isStatus: Bool) throws(UpstreamError) -> HTTPResult {
        guard limiter.acquire(deadline: Date().timeIntervalSince1970 + 60) else { throw .rateLimited(retryAfter: nil) }
        var headers = ["Authorization: Bearer \(apiKey)", "Accept: application/json"] + extraHeaders
        if body != nil { headers.append("Content-Type: application/json") }
        let result: HTTPResult
        do {
            result = try Curl.request(method: method, url: baseURL + path, headers: headers, body: body,
                                      connectTimeoutMs: min(10_000, timeoutMs), timeoutMs: timeoutMs, maxBytes: 1 << 20)
        } catch {
            throw .transient(error.isTimeout ? "timed out" : scrubber.scrub(error.message))
        }
        logger.debug("upstream call", metadata: ["method": "\(method)", "path": "\(path.prefix(80))", "status": "\(result.status)"])
        if (200..<300).contains(result.status) { return result }
        throw classify(result, isStatus: isStatus)
    }

    package func classify(_ r: HTTPResult, isStatus: Bool) -> UpstreamError {
        let message = UpstreamDecoding.errorMessage(r.body).map(scrubber.scrub) ?? "HTTP \(r.status)"
        switch r.status {
        case 400 where isStatus, 404 where isStatus: return .notFound(message)
        case 400, 404, 422: return .invalidRequest(message)
        case 401: return .authentication(message)
        case 402: return .balance(message)
        case 403: return .forbidden(message)
        case 429:
            let after = UpstreamDecoding.retryAfter(r.header("retry-after"))
            if r.header("retry-after") != nil { limiter.pause(for: after ?? 5) }
            return .rateLimited(retryAfter: after)
        default: return .transient(message)
        }
    }
}

extension Error {
    package var isTimeout: Bool { (self as? CurlError)?.isTimeout ?? false }
    package var message: String { (self as? CurlError)?.message ?? "\(self)" }
}
