import Foundation
import Glibc

/// The server's signing secret: 32 random bytes in `secret.key` in the data dir (mode 0600),
/// made on first start and kept, so tokens survive restarts.
package enum ServerSecret {
    package static func loadOrCreate(path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "\(path) is not a 32-byte secret; delete it to make a new one") }
            return Array(data)
        }
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes), attributes: [.posixPermissions: 0o600]),
              rename(tmp, path) == 0 else {
            throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "cannot write \(path)")
        }
        return bytes
    }
}
