import Foundation
@testable import Reeldesk
import ReeldeskWeb
import Testing

/// Absent means absent: an empty string, a nil in an `Any`, `NSNull` or an empty dictionary never
/// opens a section of any template (swift-mustache opens one for each of them).
@Suite struct AbsentValueTests {
    static var emptyValues: [(String, Any)] { [("\"\"", ""), ("nil", String?.none as Any), ("[:]", [String: Any]()), ("NSNull", NSNull())] }

    @Test func anEmptyValueIsClosedInASectionOpenInAnInvertedOneAndPrintsNothing() throws {
        let dir = NSTemporaryDirectory() + "rd-absent-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{{% CONTENT_TYPE: HTML }}[{{#x}}open{{/x}}|{{^x}}closed{{/x}}|{{x}}]{{#rows}}<{{#x}}row-open{{/x}}{{x}}>{{/rows}}"
            .write(toFile: dir + "/t.mustache", atomically: true, encoding: .utf8)
        let views = try Views.load(directory: dir)
        for (label, empty) in Self.emptyValues {
            #expect(try views.render("t", ["x": empty]) == "[|closed|]", "\(label)")
            #expect(try views.render("t", ["x": "page", "rows": [["x": empty]]]) == "[open||page]<>", "\(label) in a row keeps the row's own (absent) value")
        }
        #expect(try views.render("t", ["x": String?.some("here") as Any]) == "[open||here]", "an optional with a value is that value")
        #expect(try views.render("t", ["x": "a\u{0}b\u{1B}c\td"]) == "[open||a\u{FFFD}b\u{FFFD}c\td]", "no control character reaches a page")
    }

    /// Every section of every template, rendered with its name bound to each empty value, reads
    /// exactly as with the name left out.
    @Test func noTemplateOpensASectionForAnEmptyValue() throws {
        let views = try Views.load(directory: Fixtures.templatesDir)
        let section = try Regex(#"\{\{[#^]\s*([A-Za-z_][A-Za-z0-9_]*)"#)
        var checked = 0
        for name in try templateNames() {
            let text = try String(contentsOfFile: Fixtures.templatesDir + "/" + name + ".mustache", encoding: .utf8)
            let keys = Set(text.matches(of: section).compactMap { $0.output[1].substring.map(String.init) })
            for key in keys.sorted() {
                let without = try views.render(name, [:])
                for (label, empty) in Self.emptyValues {
                    #expect(try views.render(name, [key: empty]) == without, "\(name): {{#\(key)}} opened for \(label)")
                    checked += 1
                }
            }
        }
        #expect(checked > 100, "checked \(checked) sections")
    }

    private func templateNames() throws -> [String] {
        let root = Fixtures.templatesDir
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }.sorted()
    }
}
