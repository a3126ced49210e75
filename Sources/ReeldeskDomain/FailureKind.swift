
/// Why a failed task failed, as far as the upstream's words tell: it sends a message and no
/// code (CONTRACT.md §3), so a refusal of the content is recognised by its wording.
/// XXX: a word list, not a contract; a refusal worded otherwise reads as `.other` (Retry stays
/// the first choice, as before).
package enum FailureKind: Equatable {
    /// The prompt or a frame was refused (moderation): the same input fails the same way.
    case contentRefused
    case other

    package static let contentWords = ["moderation", "content policy", "content_policy", "sensitive", "inappropriate",
                               "审核", "违规", "敏感", "不合规"]

    package static func of(_ message: String?) -> FailureKind {
        guard let text = message?.lowercased() else { return .other }
        return contentWords.contains { text.contains($0) } ? .contentRefused : .other
    }
}
