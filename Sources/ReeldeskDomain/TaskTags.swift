import Foundation

/// Tags as people type them ("night, Golden hour,  city") and as they are kept: lowercase,
/// inner spaces as dashes, letters and digits of any script plus `-` and `_`, at most
/// `maxLength` characters each and `maxCount` per task, without repeats, in the order typed.
package enum TaskTags {
    package static let maxCount = 12
    package static let maxLength = 32

    package static func parse(_ text: String) -> [String] {
        var out: [String] = []
        for piece in text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "\n" }) {
            let words = piece.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: "-")
            let tag = String(words.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }.prefix(maxLength))
            if !tag.isEmpty, !out.contains(tag) { out.append(tag) }
            if out.count == maxCount { break }
        }
        return out
    }

    /// The `tasks.tags` column: a JSON array of strings.
    package static func encode(_ tags: [String]) -> String {
        (try? String(decoding: JSONSerialization.data(withJSONObject: tags), as: UTF8.self)) ?? "[]"
    }

    package static func decode(_ json: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]) ?? []
    }
}
