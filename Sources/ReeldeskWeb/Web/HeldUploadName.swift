import Hashing
import ReeldeskDomain
import WebCore

/// Names of images held for a rejected form carry their owner: `held/<r><m>.<ext>`, where `r`
/// is 16 random hex digits and `m` the first 16 of HMAC(secret, "held:<account>:<r>"). The
/// form sends the name back; only the account it was made for can keep it (another account's
/// name reads as an image that is no longer kept). The shape is `KeptUpload`'s, so names made
/// before this rule parse, and simply belong to no one.
package struct HeldUploadName: Sendable {
    package let secret: [UInt8]

    /// A fresh held name for an image of `account` with extension `ext`.
    package func make(for account: Int64, ext: String) -> String {
        let random = RandomHex.make(bytes: 8)
        return "held/" + random + mac(random, account) + "." + ext
    }

    /// Whether the held name `kept` was made for `account`.
    package func belongs(_ kept: String, to account: Int64) -> Bool {
        guard KeptUpload.isHeld(kept), let stem = kept.dropFirst(5).split(separator: ".").first, stem.utf8.count == 32 else { return false }
        return SHA256.constantTimeEquals(String(stem.suffix(16)), mac(String(stem.prefix(16)), account))
    }

    private func mac(_ random: String, _ account: Int64) -> String {
        String(SHA256.hex(SHA256.hmac(key: secret, message: Array("held:\(account):\(random)".utf8))).prefix(16))
    }
}
