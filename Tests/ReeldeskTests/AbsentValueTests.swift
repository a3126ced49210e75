import Foundation
import ReeldeskWeb
import Templating
import Testing

/// Absent means absent: a missing value, an empty text, an empty list and `false` never open a
/// section of any template (swift-mustache, the renderer before, opened one for `""`).
@Suite struct AbsentValueTests {
    static let emptyValues: [(String, TemplateValue)] = [("absent", .absent), ("\"\"", .text("")), ("[]", .list([])), ("false", .flag(false))]

    /// Every section of every template, rendered with its name bound to each empty value, reads
    /// exactly as with the name left out.
    @Test func noTemplateOpensASectionForAnEmptyValue() throws {
        let templates = try Views.load(directory: Fixtures.templatesDir).templates
        let section = try Regex(#"\{\{[#^]\s*([A-Za-z_][A-Za-z0-9_]*)"#)
        var checked = 0
        for name in templates.names {
            let text = try String(contentsOfFile: Fixtures.templatesDir + "/" + name + ".mustache", encoding: .utf8)
            let keys = Set(text.matches(of: section).compactMap { $0.output[1].substring.map(String.init) })
            let without = try templates.render(name, value: .object([:]))
            for key in keys.sorted() {
                for (label, empty) in Self.emptyValues {
                    let with = try templates.render(name, value: .object([TemplateName.swiftName(key): empty]))
                    #expect(with == without, "\(name): {{#\(key)}} opened for \(label)")
                    checked += 1
                }
            }
        }
        #expect(checked > 100, "checked \(checked) sections")
    }
}
