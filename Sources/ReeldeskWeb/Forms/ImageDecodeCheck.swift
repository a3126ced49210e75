import ReeldeskSystem

/// Decodes one frame of an uploaded image with ffmpeg, so a file is judged by its pixels and not
/// only by its header (a 33-byte "6000×6000 PNG" has a valid header and no image).
package enum ImageDecodeCheck {
    /// The upload at `path` (from form field `field`) could not be decoded.
    package struct Failure: Error {
        package let field: String
        package let filename: String

        package init(field: String, filename: String) {
            self.field = field
            self.filename = filename
        }
    }

    /// Throws `Failure` unless ffmpeg decodes a frame without a single error within `timeout`.
    package static func verify(path: String, field: String, filename: String, timeout: Double) throws {
        do {
            let args = ["-nostdin", "-v", "error", "-xerror", "-i", path, "-frames:v", "1", "-f", "null", "-"]
            try ProcessRunner.run("ffmpeg", args, timeout: timeout)
        } catch let e as ProcessRunner.Failure where !e.timedOut && e.detail.hasPrefix("cannot start") {
            throw e  // ffmpeg is missing: a server problem, not the person's file
        } catch {
            throw Failure(field: field, filename: filename)
        }
    }

    /// What the form says next to the field.
    package static func message(_ f: Failure) -> String {
        "“\(f.filename)” could not be read as an image (it may be damaged or not really an image). Choose another file."
    }
}
