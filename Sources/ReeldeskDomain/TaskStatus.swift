/// A task's place in its life. Stored as the raw string.
///
/// - `queued`: stored locally, not yet accepted upstream.
/// - `submitted`: the upstream gave us a task id; waiting for it to start.
/// - `processing`: the upstream reports progress.
/// - `downloading`: the upstream finished; we are archiving the video.
/// - `completed`: the video is archived and playable here.
/// - `failed`: the upstream refused or failed it (message kept); not retried automatically.
/// - `timed_out`: no progress for too long; retryable by hand.
/// - `expired`: the upstream's link died before we could archive the video.
/// - `cancelled`: someone stopped tracking it.
public enum TaskStatus: String, CaseIterable, Sendable, Codable {
    case queued, submitted, processing, downloading, completed, failed, timedOut = "timed_out", expired, cancelled

    /// True when nothing more will happen without a person acting.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .timedOut, .expired, .cancelled: true
        case .queued, .submitted, .processing, .downloading: false
        }
    }

    /// `('queued','submitted',…)`: the active statuses for SQL, from `isTerminal`.
    package static let activeSQLList = "(" + allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")"

    /// True when a person may send it upstream again (Retry).
    public var isRetryable: Bool {
        switch self {
        case .failed, .timedOut, .expired: true
        default: false
        }
    }

    /// Text for the status badge.
    public var label: String {
        switch self {
        case .queued: "Queued"
        case .submitted: "Submitted"
        case .processing: "Processing"
        case .downloading: "Saving video"
        case .completed: "Completed"
        case .failed: "Failed"
        case .timedOut: "Timed out"
        case .expired: "Expired"
        case .cancelled: "Cancelled"
        }
    }
}
