/// Who is asking, as the rules need it: an account id (0 for nobody; no account has id 0) and
/// a role. The web edge makes one from its `Viewer`; the store filters by it.
package struct Principal: Sendable, Equatable {
    package let id: Int64
    package let role: Role

    package init(id: Int64, role: Role) {
        self.id = id
        self.role = role
    }

    package static let nobody = Principal(id: 0, role: .anonymous)

    package var isSignedIn: Bool { role != .anonymous }

    /// The one visibility rule: admins see everything, everyone signed in sees team tasks,
    /// owners see their own. Everything else answers exactly like a task that does not exist.
    package func canSee(owner: Int64?, visibility: Visibility) -> Bool {
        guard isSignedIn else { return false }
        return role == .admin || visibility == .team || owner == id
    }

    /// Cancel, delete and changing visibility: the owner (a member) or an admin.
    package func canManage(owner: Int64?) -> Bool {
        role == .admin || (role >= .member && owner == id)
    }
}
