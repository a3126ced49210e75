import Hashing

/// Unguessable identifiers from the system CSPRNG (`getrandom` on Linux), as lowercase hex.
package enum RandomHex {
    package static func make(bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return SHA256.hex((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// True for exactly `length` lowercase hex digits (the shape `make` produces).
    package static func isHex<S: StringProtocol>(_ s: S, length: Int) -> Bool {
        s.utf8.count == length && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
