/// Random passwords for new accounts and resets: 20 characters from an unambiguous alphabet
/// (about 100 bits), shown once.
package enum Passwords {
    package static func random() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }
}
