import Foundation

/// The Mustache this portal's templates use, compiled once at boot: variables (`{{x}}` escaped,
/// `{{{x}}}` and `{{&x}}` for our own markup), sections and inverted sections, partials (with
/// the indentation of a standalone tag), parents with blocks (`{{<layout}}{{$content}}`), comments
/// and the `CONTENT_TYPE: HTML` pragma. Anything else (set delimiters, dynamic partials, another
/// content type, lambdas: values are data) stops the boot with the file and line.
indirect enum TemplateNode: Sendable {
    case text(String)
    case variable(TemplateName, raw: Bool, line: Int)
    case section(TemplateName, [TemplateNode], inverted: Bool)
    case partial(String, indent: String, line: Int)
    case parent(String, blocks: [String: [TemplateNode]], line: Int)
    case block(String, [TemplateNode])
}

public struct TemplateSyntaxError: Error, CustomStringConvertible, Sendable {
    public let line: Int
    public let reason: String
    public var description: String { "line \(line): \(reason)" }
}

enum TemplateParser {
    private enum Token {
        case text(String)
        case variable(String, raw: Bool)
        case open(String, inverted: Bool)
        case close(String)
        case partial(String)
        case parent(String)
        case block(String)
        case comment
        case pragma

        /// Tags that vanish with their line when they stand on it alone.
        var mayStandAlone: Bool {
            switch self {
            case .text, .variable: false
            default: true
            }
        }
    }

    private struct Lexeme {
        var token: Token
        let line: Int
        var indent = ""
    }

    static func parse(_ source: String) throws -> [TemplateNode] {
        try build(standalone(lex(source)))
    }

    /// Text is split after every newline, so each line's tokens can be judged on their own.
    private static func lex(_ source: String) throws -> [Lexeme] {
        let b = Array(source.utf8)
        var out: [Lexeme] = []
        var line = 1, i = 0, textStart = 0
        func flushText(_ end: Int) {
            var s = textStart
            while s < end {
                var e = s
                while e < end, b[e] != 10 { e += 1 }
                if e < end { e += 1 }
                out.append(Lexeme(token: .text(String(decoding: b[s..<e], as: UTF8.self)), line: line))
                if b[e - 1] == 10 { line += 1 }
                s = e
            }
        }
        func starts(_ p: String, at k: Int) -> Bool {
            let u = Array(p.utf8)
            return k + u.count <= b.count && Array(b[k..<k + u.count]) == u
        }
        while i < b.count {
            guard starts("{{", at: i) else { i += 1; continue }
            flushText(i)
            let tagLine = line
            let triple = starts("{{{", at: i)
            let closer = triple ? "}}}" : "}}"
            var j = i + (triple ? 3 : 2)
            while j < b.count, !starts(closer, at: j) { j += 1 }
            guard j < b.count else { throw TemplateSyntaxError(line: tagLine, reason: "unclosed tag") }
            let inner = String(decoding: b[(i + (triple ? 3 : 2))..<j], as: UTF8.self)
            line += inner.utf8.filter { $0 == 10 }.count
            i = j + closer.utf8.count
            textStart = i
            out.append(Lexeme(token: try token(inner, triple: triple, line: tagLine), line: tagLine))
        }
        flushText(b.count)
        return out
    }

    private static func token(_ inner: String, triple: Bool, line: Int) throws -> Token {
        let content = inner.trimmingCharacters(in: .whitespaces)
        if triple { return .variable(try name(content, line), raw: true) }
        guard let sigil = content.first else { throw TemplateSyntaxError(line: line, reason: "empty tag") }
        let rest = String(content.dropFirst()).trimmingCharacters(in: .whitespaces)
        switch sigil {
        case "!": return .comment
        case "#": return .open(try name(rest, line), inverted: false)
        case "^": return .open(try name(rest, line), inverted: true)
        case "/": return .close(try name(rest, line))
        case "&": return .variable(try name(rest, line), raw: true)
        case ">":
            if rest.hasPrefix("*") { throw TemplateSyntaxError(line: line, reason: "dynamic partials are not supported") }
            return .partial(try name(rest, line))
        case "<": return .parent(try name(rest, line))
        case "$": return .block(try name(rest, line))
        case "%":
            guard rest.replacingOccurrences(of: " ", with: "") == "CONTENT_TYPE:HTML" else {
                throw TemplateSyntaxError(line: line, reason: "only the CONTENT_TYPE: HTML pragma is supported, not “\(rest)”")
            }
            return .pragma
        case "=": throw TemplateSyntaxError(line: line, reason: "set delimiters are not supported")
        case "{": throw TemplateSyntaxError(line: line, reason: "unbalanced triple mustache")
        default: return .variable(try name(content, line), raw: false)
        }
    }

    private static func name(_ s: String, _ line: Int) throws -> String {
        let ok = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_./-".unicodeScalars.contains($0) }
        guard ok else { throw TemplateSyntaxError(line: line, reason: "“\(s)” is not a name") }
        return s
    }

    /// Spec rule: a line holding only whitespace and one such tag loses that whitespace and its
    /// newline; a standalone partial indents every line of what it includes by that whitespace.
    private static func standalone(_ lexemes: [Lexeme]) -> [Lexeme] {
        var out: [Lexeme] = []
        var i = 0
        while i < lexemes.count {
            // One line: up to and including a text ending in a newline, or the end.
            var end = i
            while end < lexemes.count {
                if case .text(let t) = lexemes[end].token, t.hasSuffix("\n") { end += 1; break }
                end += 1
            }
            let line = Array(lexemes[i..<end])
            let tags = line.filter { if case .text = $0.token { false } else { true } }
            let blank = line.allSatisfy { l in
                if case .text(let t) = l.token { t.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" } } else { true }
            }
            if tags.count == 1, tags[0].token.mayStandAlone, blank {
                var tag = tags[0]
                if case .partial = tag.token, case .text(let t)? = line.first?.token, line.count > 1 {
                    tag.indent = t
                }
                out.append(tag)
            } else {
                out.append(contentsOf: line)
            }
            i = end
        }
        return out
    }

    private static func build(_ lexemes: [Lexeme]) throws -> [TemplateNode] {
        var index = 0
        let nodes = try nodes(lexemes, &index, closing: nil)
        return nodes
    }

    private static func nodes(_ lx: [Lexeme], _ i: inout Int, closing: (name: String, line: Int)?) throws -> [TemplateNode] {
        var out: [TemplateNode] = []
        while i < lx.count {
            let l = lx[i]
            i += 1
            switch l.token {
            case .text(let t):
                if case .text(let before)? = out.last { out[out.count - 1] = .text(before + t) } else { out.append(.text(t)) }
            case .variable(let n, let raw): out.append(.variable(TemplateName(n), raw: raw, line: l.line))
            case .comment, .pragma: break
            case .partial(let n): out.append(.partial(n, indent: l.indent, line: l.line))
            case .open(let n, let inverted):
                out.append(.section(TemplateName(n), try nodes(lx, &i, closing: (n, l.line)), inverted: inverted))
            case .block(let n):
                out.append(.block(n, try nodes(lx, &i, closing: (n, l.line))))
            case .parent(let n):
                var blocks: [String: [TemplateNode]] = [:]
                for node in try nodes(lx, &i, closing: (n, l.line)) {
                    if case .block(let b, let content) = node { blocks[b] = content }
                }
                out.append(.parent(n, blocks: blocks, line: l.line))
            case .close(let n):
                guard let closing, closing.name == n else {
                    throw TemplateSyntaxError(line: l.line, reason: closing.map { "“\(n)” closes, but “\($0.name)” (line \($0.line)) is open" } ?? "“\(n)” closes nothing")
                }
                return out
            }
        }
        if let closing { throw TemplateSyntaxError(line: closing.line, reason: "“\(closing.name)” is never closed") }
        return out
    }
}
