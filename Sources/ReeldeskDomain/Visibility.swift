/// Who may see a task besides admins: only its owner, or the whole team.
public enum Visibility: String, Sendable, CaseIterable {
    case `private`, team
}
