import Foundation
import WebCore

/// Signed, expiring links to uploaded files: `/uploads/NAME?expires=T&sig=HMAC(secret, NAME:T)`.
/// Uploads are not served to anyone who guesses a name; the upstream gets a link like this for a
/// task's frames, and a form gets one to preview an upload that has no task yet.
struct UploadLink: Sendable {
    let secret: [UInt8]

    /// The path and query of a link to `name` that works until `expires` (Unix seconds).
    func path(for name: String, expires: Int64) -> String {
        Route.upload(name: name).path + "?expires=\(expires)&sig=\(signature(name, expires))"
    }

    /// True when `sig` signs `name` until `expires` and that moment has not passed.
    func isValid(name: String, expires: String?, sig: String?, now: Double = Date().timeIntervalSince1970) -> Bool {
        guard let expires, expires.utf8.count <= 12, let t = Int64(expires), let sig, RandomHex.isHex(sig, length: 64),
              Double(t) > now else { return false }
        return SHA256.constantTimeEquals(signature(name, t), sig)
    }

    private func signature(_ name: String, _ expires: Int64) -> String {
        SHA256.hex(SHA256.hmac(key: secret, message: Array("upload:\(name):\(expires)".utf8)))
    }
}
