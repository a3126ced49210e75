import ReeldeskDomain

/// The one-time token each rendered form carries (`submission_token`): a repeated POST with
/// the same token (double click, reload, back button) finds the task the first one made.
package enum SubmissionToken {
    /// A fresh token: 128 random bits as hex.
    package static func make() -> String { RandomHex.make(bytes: 16) }

    /// The token when it is well formed (32 lowercase hex digits), else nil.
    package static func parse(_ raw: String?) -> String? {
        guard let raw, RandomHex.isHex(raw, length: 32) else { return nil }
        return raw
    }

    /// The token as the key it is stored under: scoped to the account that sends it. A token
    /// belongs to whoever submits it first; another account sending the same token makes its
    /// own key, so it never finds (or redirects to) a task it did not make.
    package static func key(_ raw: String?, for viewer: Viewer) -> String? {
        parse(raw).map { "\(viewer.id):\($0)" }
    }
}

/// The name of an upload kept server-side: `held/<32 hex>.<ext>` (held after a 422) or
/// `<32 hex>.<ext>` (stored with a task, reused by a remix). Nothing else is accepted, so the
/// name can never leave the uploads dir.
package enum KeptUpload {
    package static let extensions: Set<String> = ["jpg", "png", "webp", "bmp", "tiff", "gif", "heic"]

    package static func parse(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty, raw.utf8.count <= 48 else { return nil }
        let name = raw.hasPrefix("held/") ? String(raw.dropFirst(5)) : raw
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, RandomHex.isHex(parts[0], length: 32), extensions.contains(String(parts[1])) else { return nil }
        return raw
    }

    package static func isHeld(_ name: String) -> Bool { name.hasPrefix("held/") }
}
