/// What a person may do: viewers read team work, members also create and spend, admins see
/// everything and manage accounts, budgets and settings. `anonymous` is nobody signed in.
public enum Role: String, Sendable, Comparable, CaseIterable {
    case anonymous, viewer, member, admin

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// The roles an account can have (not `anonymous`).
    package static let assignable: [Role] = [.admin, .member, .viewer]
}
