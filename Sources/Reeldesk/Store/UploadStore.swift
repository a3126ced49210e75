import Foundation

/// Saves validated frame images under the uploads dir with random names (never the browser's
/// filename): written to a temporary name, then renamed, so a crash leaves no half file.
struct UploadStore {
    let directory: String

    /// Stores the image; returns its name relative to the uploads dir.
    func save(_ image: ValidatedImage) throws -> String {
        let name = RandomHex.make(bytes: 16) + "." + image.info.fileExtension
        let path = directory + "/" + name
        let temp = path + ".part"
        guard FileManager.default.createFile(atPath: temp, contents: Data(image.bytes), attributes: [.posixPermissions: 0o644]) else {
            throw UploadError(path: temp)
        }
        try FileManager.default.moveItem(atPath: temp, toPath: path)
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
