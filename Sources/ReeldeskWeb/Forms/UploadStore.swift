import Foundation
import ReeldeskDomain

/// Saves validated frame images under the uploads dir with random names (never the browser's
/// filename): written to a temporary name, then renamed, so a crash leaves no half file.
package struct UploadStore {
    package let directory: String

    /// Stores the image once `verify` accepts the written file; returns its name relative to
    /// the uploads dir. A file `verify` refuses is removed.
    package func save(_ image: ValidatedImage, verify: (String) throws -> Void = { _ in }) throws -> String {
        let name = RandomHex.make(bytes: 16) + "." + image.info.fileExtension
        let path = directory + "/" + name
        let temp = path + ".part"
        guard FileManager.default.createFile(atPath: temp, contents: Data(image.bytes), attributes: [.posixPermissions: 0o640]) else {
            throw UploadError(path: temp)
        }
        do {
            try verify(temp)
            try FileManager.default.moveItem(atPath: temp, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
        return name
    }

    /// Removes a stored upload (used when the task row could not be written).
    package func remove(_ name: String) {
        try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }

    /// How long an image held for a rejected form is kept.
    package static let holdSeconds: Double = 3600

    /// Keeps an image of a rejected form under `held/`, as `name(extension)` names it (an opaque
    /// name the form carries back: HeldUploadName); also clears out held images over an hour old.
    package func hold(_ image: ValidatedImage, name makeName: (String) -> String) throws -> String {
        let held = directory + "/held"
        try FileManager.default.createDirectory(atPath: held, withIntermediateDirectories: true)
        removeStaleHeld(in: held)
        let name = makeName(image.info.fileExtension)
        guard FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(image.bytes), attributes: [.posixPermissions: 0o640]) else {
            throw UploadError(path: name)
        }
        return name
    }

    /// The stored name a kept upload gets for a new task: a held image moves into the uploads
    /// dir; a task's stored image is shared. Nil when the file is gone (the form asks again).
    package func adopt(_ kept: String) -> String? {
        let path = directory + "/" + kept
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard KeptUpload.isHeld(kept) else { return kept }
        let name = String(kept.dropFirst(5))
        return (try? FileManager.default.moveItem(atPath: path, toPath: directory + "/" + name)) != nil ? name : nil
    }

    private func removeStaleHeld(in dir: String) {
        let cutoff = Date().addingTimeInterval(-Self.holdSeconds)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            let path = dir + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    package struct UploadError: Error, CustomStringConvertible {
        package let path: String
        package var description: String { "cannot write upload \(path)" }
    }
}
