import ReeldeskDomain
import WebCore

extension Refusal {
    /// The status and words a person gets for a refusal from the inner targets.
    package var httpError: HTTPError {
        switch self {
        case .noSuchTask(let id): HTTPError(.notFound, "There is no task \(id).")
        case .roleTooLow: HTTPError(.forbidden, "Your role does not allow this.")
        }
    }
}
