import Foundation
import Mustache
@testable import Reeldesk
import ReeldeskWeb
import Testing
import WebCore

/// A stamp must give exactly what a plain render gives, for every context of its shape.
@Suite struct TemplateStampsTests {
    let library: MustacheLibrary

    init() throws {
        MustacheContentTypes.register(ByteHTMLContentType(), named: "HTML")
        var library = MustacheLibrary()
        let templates = [
            "page": "{{% CONTENT_TYPE: HTML }}<h1 title=\"{{title}}\">{{title}}</h1>{{{raw}}}\n{{#flag}}on {{name}}{{/flag}}{{^flag}}off{{/flag}}\n"
                + "<ul>{{#items}}<li>{{label}}{{#selected}} *{{/selected}}</li>{{/items}}</ul>{{#url}}<a href=\"{{url}}\">go</a>{{/url}}\n"
                + "<div>\n  {{>part}}\n</div>{{n}}",
            "part": "{{% CONTENT_TYPE: HTML }}<p>\n{{{rows}}}\n{{after}}\n</p>\n",
            "text": "{{% CONTENT_TYPE: TEXT }}{{title}} & {{{raw}}}",
        ]
        for (name, text) in templates { library.register(try MustacheTemplate(string: text), named: name) }
        self.library = library
    }

    /// Renders through `stamps`, counting the plain renders it asks for.
    func render(_ stamps: TemplateStamps, _ name: String, _ context: [String: Any]) -> (String, plainRenders: Int) {
        var calls = 0
        let library = self.library
        let out = stamps.render(name, context, plain: { calls += 1; return library.render($0, withTemplate: name) })
        return (out ?? "nil", calls)
    }

    func context(title: String = "Fox & <friends>", raw: String = "<b>bold</b>", flag: Bool = true, items: Int = 2,
                 url: String = "/tasks?a=1&b=2", rows: String = "<tr>1</tr>\n<tr>2</tr>\n", after: String = "end") -> [String: Any] {
        [
            "title": title, "raw": raw, "flag": flag, "name": "Ann \"A\"", "url": url, "rows": rows, "after": after, "n": 7,
            "items": (0..<items).map { ["label": "L\($0) '\($0)'", "selected": $0 == 1] as [String: Any] },
        ]
    }

    @Test func aStampRendersExactlyWhatThePlainRenderDoesForEveryContextOfItsShape() {
        let stamps = TemplateStamps()
        let first = render(stamps, "page", context())
        #expect(first.0 == library.render(context(), withTemplate: "page"))
        #expect(first.plainRenders == 2, "the first render of a shape is checked against its stamp")
        // Same shape, other strings, including ones that look like the stamp's own placeholders.
        for title in ["Other", "\u{1}&0\u{2}", "\u{1}&amp;3\u{2}", "<script>x</script>", "日本語 ✓", "a\nb\n"] {
            let c = context(title: title, raw: "<i>\(title)</i>", url: "/x?q=\(title)", rows: "<tr>\(title)</tr>\n")
            let stamped = render(stamps, "page", c)
            #expect(stamped.plainRenders == 0 || title.hasSuffix("\n"), "served from the stamp: \(title.debugDescription)")
            // Escaped values reach the page without control characters (U+FFFD); our own raw
            // markup is poured in as it is.
            let shown = title.replacingForbiddenControls
            let expected = context(title: shown, raw: "<i>\(title)</i>", url: "/x?q=\(shown)", rows: "<tr>\(title)</tr>\n")
            #expect(stamped.0 == library.render(expected, withTemplate: "page"), "\(title.debugDescription)")
        }
    }

    @Test func everythingThatSteersTheTemplateMakesItsOwnStamp() {
        let stamps = TemplateStamps()
        let variants: [[String: Any]] = [
            context(), context(flag: false), context(items: 0), context(items: 5), context(url: ""), context(rows: "<tr>no newline</tr>"),
            context(after: ""), context(rows: ""), { var c = context(); c["name"] = nil; return c }(),
        ]
        for (i, c) in variants.enumerated() {
            #expect(render(stamps, "page", c).0 == library.render(c, withTemplate: "page"), "variant \(i)")
            #expect(render(stamps, "page", c).plainRenders == 0, "variant \(i) has its stamp")
        }
        #expect(stamps.count == variants.count)
    }

    @Test func whatAStampCannotCaptureIsRenderedPlainly() {
        let stamps = TemplateStamps()
        var c = context()
        c["title"] = 1.5  // no case of the walk: its text comes from String(describing:)
        for _ in 0..<2 {
            let r = render(stamps, "page", c)
            #expect(r.plainRenders == 1 && r.0 == library.render(c, withTemplate: "page"))
        }
        // Another content type: whatever its escaping, the stamp reproduces it or is refused.
        for _ in 0..<2 { #expect(render(stamps, "text", context()).0 == library.render(context(), withTemplate: "text")) }
    }

    @Test func theCacheIsBounded() {
        let stamps = TemplateStamps(capacity: 4)
        for items in 0..<10 { _ = render(stamps, "page", context(items: items)) }
        #expect(stamps.count <= 4)
        #expect(render(stamps, "page", context(items: 3)).0 == library.render(context(items: 3), withTemplate: "page"))
    }
}
