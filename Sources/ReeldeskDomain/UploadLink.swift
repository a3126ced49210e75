import Foundation
import Hashing

/// The signature of an expiring link to an uploaded file: HMAC(secret, `upload:NAME:T`). Uploads
/// are not served to anyone who guesses a name; the upstream gets a signed link for a task's
/// frames, and a form gets one to preview an upload that has no task yet. The link itself is the
/// web's (`Route.upload`).
package struct UploadLink: Sendable {
    package let secret: [UInt8]

    package init(secret: [UInt8]) { self.secret = secret }

    /// True when `sig` signs `name` until `expires` and that moment has not passed.
    package func isValid(name: String, expires: String?, sig: String?, now: Double = Date().timeIntervalSince1970) -> Bool {
        guard let expires, expires.utf8.count <= 12, let t = Int64(expires), let sig, RandomHex.isHex(sig, length: 64),
              Double(t) > now else { return false }
        return SHA256.constantTimeEquals(signature(name, t), sig)
    }

    /// The signature of `name` until `expires` (Unix seconds), as 64 hex digits.
    package func signature(_ name: String, _ expires: Int64) -> String {
        SHA256.hex(SHA256.hmac(key: secret, message: Array("upload:\(name):\(expires)".utf8)))
    }
}
