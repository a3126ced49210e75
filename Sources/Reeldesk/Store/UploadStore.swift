import Foundation

/// Saves validated frame images under the uploads dir with random names (never the browser's
/// filename): written to a temporary name, then renamed, so a crash leaves no half file.
struct UploadStore {
    let directory: String

    /// Stores the image once `verify` accepts the written file; returns its name relative to
    /// the uploads dir. A file `verify` refuses is removed.
    func save(_ image: ValidatedImage, verify: (String) throws -> Void = { _ in }) throws -> String {
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
    func remove(_ name: String) {
        try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }

    struct UploadError: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot write upload \(path)" }
    }
}
