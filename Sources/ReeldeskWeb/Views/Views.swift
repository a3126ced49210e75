import Foundation
import Mustache
import WebCore

/// The parsed templates, loaded once at boot. A template that does not parse stops the boot with
/// its file and line; rendering an unknown name throws instead of returning nil.
public struct Views: Sendable {
    package let library: MustacheLibrary
    /// Rendered output kept per context shape (TemplateStamps): the templates stay the one
    /// source of HTML, and a page costs its stamp instead of a lookup per name.
    package let stamps = TemplateStamps()

    /// A template that failed to load.
    public struct LoadError: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let reason: String
        public var description: String { "template \(file):\(line): \(reason)" }
    }

    /// Rendering asked for a template that does not exist.
    public struct MissingTemplate: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "no template named \(name)" }
    }

    /// Loads every `*.mustache` under `directory`, registered by relative path without extension
    /// (`pages/home`, `partials/task_row`, `layout`).
    public static func load(directory: String) throws -> Views {
        MustacheContentTypes.register(ByteHTMLContentType(), named: "HTML")
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw LoadError(file: root, line: 0, reason: "templates directory not found (set REELDESK_TEMPLATES_DIR)")
        }
        var library = MustacheLibrary()
        var count = 0
        for case let relative as String in walker where relative.hasSuffix(".mustache") {
            let path = root + "/" + relative
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw LoadError(file: relative, line: 0, reason: "cannot read as UTF-8")
            }
            do {
                library.register(try MustacheTemplate(string: text), named: String(relative.dropLast(".mustache".count)))
                count += 1
            } catch let error as MustacheTemplate.ParserError {
                throw LoadError(file: relative, line: error.context.lineNumber, reason: "\(error.error) near “\(error.context.line.trimmingCharacters(in: .whitespaces))”")
            }
        }
        guard count > 0 else { throw LoadError(file: root, line: 0, reason: "no templates found") }
        return Views(library: library)
    }

    /// Renders the template `name` with `context`, its absent values made absent and its control
    /// characters replaced (AbsentValue). A stamp (the hot path) was made from the normalized
    /// context and fills its holes through the page escaper, so only plain renders normalize.
    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        let library = self.library
        guard let text = stamps.render(name, context, normalize: AbsentValue.normalized, plain: { library.render($0, withTemplate: name) }) else {
            throw MissingTemplate(name: name)
        }
        return text
    }
}

/// Our byte-level escaper, registered over the default `HTML` content type (templates opt in
/// with `{{% CONTENT_TYPE: HTML }}`; without it they still get swift-mustache's slower escaper).
package struct ByteHTMLContentType: MustacheContentType {
    package init() {}
    package func escapeText(_ text: String) -> String { HTMLEscape.escape(text) }
}
