/// Which parts of a prompt differ from another: tokens (words, spaces, and single CJK
/// characters, since Chinese has no spaces) outside the longest common subsequence are marked.
/// Returns segments for the template to mark up; no HTML is made here.
package enum PromptDiff {
    package struct Segment: Equatable {
        package let text: String
        package let changed: Bool

        package init(text: String, changed: Bool) {
            self.text = text
            self.changed = changed
        }
    }

    package static func tokens(_ s: String) -> [String] {
        var out: [String] = []
        var word = ""
        func flush() { if !word.isEmpty { out.append(word); word = "" } }
        for ch in s {
            if ch.isWhitespace {
                flush()
                out.append(String(ch))
            } else if ch.unicodeScalars.first.map(isCJK) == true || ch.isPunctuation {
                flush()
                out.append(String(ch))
            } else {
                word.append(ch)
            }
        }
        flush()
        return out
    }

    package static func isCJK(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }

    /// `text` in segments, changed where it is not shared with `other`.
    package static func segments(_ text: String, against other: String) -> [Segment] {
        let a = tokens(text), b = tokens(other)
        // Prompts are capped at 2,000 characters: the table stays small.
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [Segment] = []
        func add(_ t: String, _ changed: Bool) {
            if let last = out.last, last.changed == changed { out[out.count - 1] = Segment(text: last.text + t, changed: changed) }
            else { out.append(Segment(text: t, changed: changed)) }
        }
        var i = 0, j = 0
        while i < a.count {
            if j < b.count, a[i] == b[j] { add(a[i], false); i += 1; j += 1 }
            else if j < b.count, lcs[i][j + 1] >= lcs[i + 1][j] { j += 1 }
            else { add(a[i], !a[i].allSatisfy(\.isWhitespace)); i += 1 }
        }
        return out
    }
}
