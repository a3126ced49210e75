/// Why the store or a team rule refused a request, as a code. The web edge chooses the status
/// and the words (`Refusal+HTTP.swift`), so the inner targets carry no sentences.
package enum Refusal: Error, Equatable, Sendable {
    /// No such task, or one this person may not see (the two answer alike).
    case noSuchTask(Int64)
    /// The person's role does not allow the action.
    case roleTooLow
}
