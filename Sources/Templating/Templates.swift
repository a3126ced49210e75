import Foundation
import WebCore

/// Every template of the portal, compiled at boot, and the one way pages, fragments and live
/// updates are rendered: a typed view model (Encodable) in, HTML out. A template that does not
/// compile, or names a partial or parent that does not exist, stops the boot with file:line.
public struct Templates: Sendable {
    private let compiled: [String: [TemplateNode]]

    public struct LoadError: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let reason: String
        public var description: String { "template \(file):\(line): \(reason)" }
    }

    /// Rendering asked for a template that does not exist, or a value the template cannot print.
    public struct RenderError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Templates by name (`pages/home`, `partials/task_row`, `layout`) with their source.
    public init(sources: [String: String]) throws {
        var compiled: [String: [TemplateNode]] = [:]
        for (name, source) in sources {
            do { compiled[name] = try TemplateParser.parse(source) } catch let e as TemplateSyntaxError {
                throw LoadError(file: name + ".mustache", line: e.line, reason: e.reason)
            }
        }
        // A standalone partial tag indents every line of the partial (the spec's rule): each
        // (partial, indentation) pair in use is compiled here as a template of its own.
        var all = compiled
        var work = compiled.map { (file: $0.key, nodes: $0.value) }
        while let (file, nodes) = work.popLast() {
            for (name, indent, line) in Self.references(nodes) {
                guard let source = sources[name] else { throw LoadError(file: Self.fileName(file), line: line, reason: "no template named “\(name)”") }
                let key = indent.isEmpty ? name : name + "\u{0}" + indent
                guard all[key] == nil else { continue }
                let shifted = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : indent + $0 }
                do { all[key] = try TemplateParser.parse(shifted.joined(separator: "\n")) } catch let e as TemplateSyntaxError {
                    throw LoadError(file: name + ".mustache", line: e.line, reason: e.reason)
                }
                work.append((key, all[key]!))
            }
        }
        self.compiled = all
    }

    private static func fileName(_ key: String) -> String { (key.split(separator: "\u{0}").first.map(String.init) ?? key) + ".mustache" }

    /// The partials and parents `nodes` include, with a partial's indentation.
    private static func references(_ nodes: [TemplateNode]) -> [(String, String, Int)] {
        nodes.flatMap { node -> [(String, String, Int)] in
            switch node {
            case .partial(let n, let indent, let line): [(n, indent, line)]
            case .parent(let n, let blocks, let line): [(n, "", line)] + blocks.values.flatMap(references)
            case .section(_, let inner, _), .block(_, let inner): references(inner)
            case .text, .variable: []
            }
        }
    }

    /// Loads every `*.mustache` under `directory`, named by relative path without extension.
    public static func load(directory: String) throws -> Templates {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw LoadError(file: root, line: 0, reason: "templates directory not found (set REELDESK_TEMPLATES_DIR)")
        }
        var sources: [String: String] = [:]
        for case let relative as String in walker where relative.hasSuffix(".mustache") {
            guard let data = FileManager.default.contents(atPath: root + "/" + relative), let text = String(data: data, encoding: .utf8) else {
                throw LoadError(file: relative, line: 0, reason: "cannot read as UTF-8")
            }
            sources[String(relative.dropLast(".mustache".count))] = text
        }
        guard !sources.isEmpty else { throw LoadError(file: root, line: 0, reason: "no templates found") }
        return try Templates(sources: sources)
    }

    public var names: [String] { compiled.keys.filter { !$0.contains("\u{0}") }.sorted() }

    /// `template` rendered with `model`.
    public func render(_ template: String, _ model: some Encodable) throws -> String {
        try render(template, stack: [try TemplateEncoder.value(of: model)])
    }

    /// `template` rendered with `model`, and `outer` (what every page has: the layout's values)
    /// behind it for the names the model does not hold.
    public func render(_ template: String, _ model: some Encodable, outer: some Encodable) throws -> String {
        try render(template, stack: [try TemplateEncoder.value(of: outer), try TemplateEncoder.value(of: model)])
    }

    public func render(_ template: String, value: TemplateValue) throws -> String {
        try render(template, stack: [value])
    }

    /// `template` rendered with `values`, outermost first (names are looked up innermost first).
    public func render(_ template: String, values: [TemplateValue]) throws -> String {
        try render(template, stack: values)
    }

    private func render(_ template: String, stack: [TemplateValue]) throws -> String {
        guard let nodes = compiled[template] else { throw RenderError(description: "no template named \(template)") }
        var out = ""
        out.reserveCapacity(16_384)
        var stack = stack
        try render(nodes, &stack, blocks: [:], into: &out, file: template)
        return out
    }

    private func render(_ nodes: [TemplateNode], _ stack: inout [TemplateValue], blocks: [String: [TemplateNode]],
                        into out: inout String, file: String) throws {
        for node in nodes {
            switch node {
            case .text(let t):
                out += t
            case .variable(let name, let raw, let line):
                guard let v = Self.lookup(name, stack) else { continue }
                switch v {
                case .text(let s):
                    if raw { throw RenderError(description: "\(file).mustache:\(line): {{{\(name.written)}}} prints only rendered markup, not text") }
                    Self.appendEscaped(s, to: &out)
                case .html(let h):
                    if raw { out += h } else { Self.appendEscaped(h, to: &out) }
                case .flag(let b):
                    out += b ? "true" : "false"
                case .absent:
                    continue
                case .list, .object:
                    throw RenderError(description: "\(file).mustache:\(line): {{\(name.written)}} is a list or an object, not text")
                }
            case .section(let name, let inner, let inverted):
                let v = Self.lookup(name, stack)
                let opens = v?.opens ?? false
                if inverted {
                    if !opens { try render(inner, &stack, blocks: blocks, into: &out, file: file) }
                    continue
                }
                guard opens, let v else { continue }
                switch v {
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        try render(inner, &stack, blocks: blocks, into: &out, file: file)
                        stack.removeLast()
                    }
                case .flag:
                    try render(inner, &stack, blocks: blocks, into: &out, file: file)
                default:
                    stack.append(v)
                    try render(inner, &stack, blocks: blocks, into: &out, file: file)
                    stack.removeLast()
                }
            case .partial(let name, let indent, _):
                let key = indent.isEmpty ? name : name + "\u{0}" + indent
                guard let partial = compiled[key] else { throw RenderError(description: "no template named \(name)") }
                try render(partial, &stack, blocks: [:], into: &out, file: name)
            case .parent(let name, let overrides, _):
                guard let parent = compiled[name] else { throw RenderError(description: "no template named \(name)") }
                // A block is the most derived template's: blocks from further out win over this child's.
                try render(parent, &stack, blocks: blocks.merging(overrides) { outer, _ in outer }, into: &out, file: name)
            case .block(let name, let fallback):
                try render(blocks[name] ?? fallback, &stack, blocks: blocks, into: &out, file: file)
            }
        }
    }

    /// The first value on the stack (innermost first) that holds the name's first part, then
    /// the rest of the name inside it.
    static func lookup(_ name: TemplateName, _ stack: [TemplateValue]) -> TemplateValue? {
        guard let first = name.parts.first else { return stack.last }
        var found: TemplateValue?
        for v in stack.reversed() {
            if case .object(let o) = v, let hit = o[first] { found = hit; break }
        }
        for part in name.parts.dropFirst() {
            guard case .object(let o)? = found else { return nil }
            found = o[part]
        }
        return found
    }

    /// The page escaper: `& < > " '` as entities and control characters a page may not hold as
    /// U+FFFD; text with neither is appended as it is.
    @inline(__always)
    static func appendEscaped(_ s: String, to out: inout String) {
        let clean = s.utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { b in b < 0x20 || b == 0x7F || b == 0xC2 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 }
        }
        if clean == true { out += s } else { out += HTMLEscape.escapeForPage(s) }
    }
}
