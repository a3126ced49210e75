import CArgon2
import Dispatch
import Foundation
import ReeldeskDomain
import Synchronization

/// Argon2id password hashes in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
/// which keeps the parameters with the hash: a hash made with older parameters still verifies,
/// and `needsRehash` tells the login to store a fresh one.
package struct PasswordHasher: Sendable {
    /// Memory in KiB, passes, lanes. The default is OWASP's Argon2id baseline (19 MiB, 2 passes).
    package var memoryKiB: UInt32 = 19 * 1024
    package var iterations: UInt32 = 2
    package var parallelism: UInt32 = 1
    package static let saltBytes = 16
    package static let hashBytes = 32
    /// Longer passwords are refused before hashing (a megabyte password is only a way to burn CPU).
    package static let maxPasswordBytes = 1024

    /// How many hashes run at once, process-wide: each holds 19 MiB and a core, so more than
    /// the cores only adds memory. Others wait their turn (an unknown name waits like any other),
    /// at most `maxWaiting` of them and for at most `maxWaitSeconds`: a flood of sign-ins is
    /// answered "busy" instead of parking every worker thread.
    package static let concurrentHashes = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 4)
    package static let maxWaiting = 16
    package static let maxWaitSeconds = 5.0
    private static let gate = DispatchSemaphore(value: concurrentHashes)
    private static let waiting = Atomic<Int>(0)
    /// Once per process, before the first hash: its memory goes back to the system when done.
    private static let largeAllocationsReturned: Bool = rd_return_large_allocations() == 1

    /// Too many hashes are running or waiting; try again in a moment.
    package struct Busy: Error {}

    /// Runs `work` as one of at most `concurrentHashes`, or throws `Busy`.
    private func gated<T>(_ work: () throws -> T) throws -> T {
        _ = Self.largeAllocationsReturned
        guard Self.waiting.add(1, ordering: .relaxed).newValue <= Self.maxWaiting + Self.concurrentHashes else {
            Self.waiting.subtract(1, ordering: .relaxed)
            throw Busy()
        }
        defer { Self.waiting.subtract(1, ordering: .relaxed) }
        guard Self.gate.wait(timeout: .now() + Self.maxWaitSeconds) == .success else { throw Busy() }
        defer { Self.gate.signal() }
        return try work()
    }

    /// Hashes `password` with a fresh random salt.
    package func hash(_ password: String) throws -> String {
        try gated { try unGatedHash(password) }
    }

    private func unGatedHash(_ password: String) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), UInt32(Self.hashBytes), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length + 1)
        let pwd = Array(password.utf8)
        let rc = argon2id_hash_encoded(iterations, memoryKiB, parallelism, pwd, pwd.count, salt, salt.count,
                                       Self.hashBytes, &encoded, encoded.count)
        guard rc == ARGON2_OK.rawValue else { throw PasswordError.hashing(String(cString: argon2_error_message(rc))) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches `encoded` (argon2 compares in constant time); `Busy` when
    /// too many hashes are under way.
    package func verify(_ password: String, against encoded: String) throws -> Bool {
        guard encoded.hasPrefix("$argon2id$") else { return false }
        let pwd = Array(password.utf8)
        return try gated { argon2id_verify(encoded, pwd, pwd.count) == ARGON2_OK.rawValue }
    }

    /// Whether `encoded` was made with other parameters than these.
    package func needsRehash(_ encoded: String) -> Bool {
        !encoded.hasPrefix("$argon2id$v=19$m=\(memoryKiB),t=\(iterations),p=\(parallelism)$")
    }

    /// A hash of a random password, verified against when the account does not exist, so an
    /// unknown name costs the same time as a wrong password.
    package static let decoy: String = (try? PasswordHasher().hash(RandomHex.make(bytes: 16))) ?? ""

    package init(memoryKiB: UInt32 = 19 * 1024, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }
}

package enum PasswordError: Error {
    case hashing(String)
}
