import Curl
import Foundation
import ReeldeskDomain

/// Checks a typed frame image URL when the form is submitted, so a bad address fails at once
/// with plain words instead of minutes later upstream: the address must answer within a few
/// seconds, with an image inside the upload rules. Loopback, private and link-local addresses
/// are refused unless REELDESK_ALLOW_PRIVATE_ADDRESSES (or the simulator) allows them.
package struct ImageURLCheck {
    package let allowPrivate: Bool
    package let scratchDir: String
    package var timeoutSeconds = 8

    /// nil when the URL is usable, else the message for the field.
    package func problem(with url: String) -> String? {
        guard let host = URLComponents(string: url)?.host else { return "Enter an image address starting with http:// or https://." }
        let path = scratchDir + "/check-" + RandomHex.make(bytes: 8)
        defer { unlink(path) }
        do {
            _ = try Curl.download(url: url, to: path, maxBytes: Int64(NewTaskForm.maxImageBytes), publicOnly: !allowPrivate,
                                  lowSpeedSeconds: timeoutSeconds, connectTimeoutMs: timeoutSeconds * 1000)
        } catch let e as CurlError {
            return Self.message(for: e, host: host)
        } catch {
            return "Reeldesk could not fetch that image (\(error))."
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return "Reeldesk could not read the image it fetched." }
        let head = Array((try? handle.read(upToCount: 256 * 1024)) ?? Data())
        try? handle.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? head.count
        if case .failure(let problem) = NewTaskForm.imageRules(head, totalSize: size) {
            return "The address does not give a usable image: " + problem.message(name: "the file at “\(host)”")
        }
        return nil
    }

    package static func message(for e: CurlError, host: String) -> String {
        switch e.code {
        case 6: "Reeldesk could not find the host “\(host)”. Check the address."
        case 7: "Reeldesk could not connect to “\(host)”. Is the address right, and is the site up?"
        case 28: "“\(host)” did not answer in time. Try again, or use another address."
        case 42: "That address points to a private or local network, which the upstream cannot reach."
        case 63: "The image at that address is larger than 30 MB."
        case 22, -2: "“\(host)” answered with an error (\(e.message)) instead of an image."
        case 1: "Only http:// and https:// image addresses work."
        default: "Reeldesk could not fetch that image from “\(host)” (\(e.message))."
        }
    }
}
