import Mustache
import Templating
import Testing

@Suite struct TemplatesTests {
    struct Row: Encodable { let id: Int; let statusLabel: String; let thumbURL: String? }
    struct Page: Encodable {
        var title = "History"
        var rows: [Row] = []
        var isFiltered = false
        var family: String? = nil
        var note = ""
        var rowsHTML: RenderedHTML? = nil
        var tags: [String] = []
    }

    func render(_ sources: [String: String], _ name: String, _ model: some Encodable) throws -> String {
        try Templates(sources: sources).render(name, model)
    }

    @Test func variablesAreEscapedAndNamesMapToSwiftSpelling() throws {
        let out = try render(["t": "<h1>{{title}}</h1>{{#rows}}[{{id}} {{status_label}} {{thumb_url}}]{{/rows}}"], "t",
                             Page(title: "a<b & \"c\"", rows: [Row(id: 1, statusLabel: "Done", thumbURL: "/t/1"), Row(id: 2, statusLabel: "Queued", thumbURL: nil)]))
        #expect(out == "<h1>a&lt;b &amp; &quot;c&quot;</h1>[1 Done /t/1][2 Queued ]")
    }

    @Test func absentNilEmptyTextEmptyListAndFalseLeaveASectionClosed() throws {
        let t = ["t": "{{#family}}F{{/family}}{{#note}}N{{/note}}{{#rows}}R{{/rows}}{{#is_filtered}}I{{/is_filtered}}|{{^family}}f{{/family}}{{^note}}n{{/note}}{{^rows}}r{{/rows}}{{^is_filtered}}i{{/is_filtered}}"]
        #expect(try render(t, "t", Page()) == "|fnri")
        #expect(try render(t, "t", Page(rows: [Row(id: 1, statusLabel: "", thumbURL: nil)], isFiltered: true, family: "7", note: "x")) == "FNRI|")
    }

    @Test func aRowsMissingValueIsNeverThePages() throws {
        struct Outer: Encodable { let thumbURL = "/page"; let rows: [Row] }
        let out = try render(["t": "{{thumb_url}}{{#rows}}<{{thumb_url}}{{#thumb_url}}!{{/thumb_url}}>{{/rows}}"], "t",
                             Outer(rows: [Row(id: 1, statusLabel: "", thumbURL: nil), Row(id: 2, statusLabel: "", thumbURL: "/2")]))
        #expect(out == "/page<></2!>")
    }

    @Test func aControlCharacterNeverReachesThePage() throws {
        #expect(try render(["t": "{{title}}"], "t", Page(title: "a\u{0}b\u{7}c\td\ne")) == "a\u{FFFD}b\u{FFFD}c\td\ne")
    }

    @Test func tripleMustachePrintsOnlyRenderedMarkup() throws {
        #expect(try render(["t": "<ul>{{{rows_html}}}</ul>"], "t", Page(rowsHTML: RenderedHTML("<li>1</li>"))) == "<ul><li>1</li></ul>")
        #expect(throws: Templates.RenderError.self) { try render(["t": "{{{title}}}"], "t", Page(title: "<script>")) }
        #expect(try render(["t": "{{rows_html}}"], "t", Page(rowsHTML: RenderedHTML("<li>"))) == "&lt;li&gt;")
    }

    @Test func dottedNamesTheCurrentValueAndOuterNames() throws {
        struct Errors: Encodable { let prompt: String? }
        struct Form: Encodable { let errors: Errors; let tags: [String]; let title = "outer" }
        let out = try render(["t": "{{#errors.prompt}}<{{errors.prompt}}>{{/errors.prompt}}{{#tags}}({{.}} {{title}}){{/tags}}"], "t",
                             Form(errors: Errors(prompt: "too long"), tags: ["a", "b"]))
        #expect(out == "<too long>(a outer)(b outer)")
    }

    @Test func standaloneTagsTakeTheirLineAndPartialsKeepTheirIndentation() throws {
        let sources = [
            "page": "{{% CONTENT_TYPE: HTML }}\n<main>\n  {{#rows}}\n  {{>row}}\n  {{/rows}}\n</main>\n",
            "row": "{{% CONTENT_TYPE: HTML }}\n<p>\n  {{id}}\n</p>\n",
        ]
        let out = try render(sources, "page", Page(rows: [Row(id: 1, statusLabel: "", thumbURL: nil), Row(id: 2, statusLabel: "", thumbURL: nil)]))
        #expect(out == "<main>\n  <p>\n    1\n  </p>\n  <p>\n    2\n  </p>\n</main>\n")
    }

    @Test func aPageFillsItsLayoutsBlocks() throws {
        struct Layout: Encodable { let title = "Layout title"; let csrfToken = "tok" }
        let sources = [
            "layout": "<title>{{title}}</title>\n{{$content}}default{{/content}}\n<i>{{csrf_token}}</i>",
            "page": "{{<layout}}\n{{$content}}\n<h1>{{title}}</h1>\n{{/content}}\n{{/layout}}\n",
            "bare": "{{<layout}}{{/layout}}",
        ]
        let t = try Templates(sources: sources)
        #expect(try t.render("page", Page(title: "Page title"), outer: Layout()) == "<title>Page title</title>\n<h1>Page title</h1>\n\n<i>tok</i>")
        #expect(try t.render("bare", Page(title: "x"), outer: Layout()) == "<title>x</title>\ndefault\n<i>tok</i>")
    }

    @Test func whatTheRendererCannotDoStopsTheBootWithTheLine() {
        func refusal(_ source: String) -> String? {
            do { _ = try Templates(sources: ["pages/x": source, "ok": ""]); return nil } catch { return "\(error)" }
        }
        #expect(refusal("a\n{{=<% %>=}}") == "template pages/x.mustache:2: set delimiters are not supported")
        #expect(refusal("a\nb\n{{>*dynamic}}")?.contains("pages/x.mustache:3: dynamic partials") == true)
        #expect(refusal("{{% CONTENT_TYPE: TEXT }}")?.contains("only the CONTENT_TYPE: HTML pragma") == true)
        #expect(refusal("{{#a}}\n{{#b}}\n{{/a}}")?.contains("pages/x.mustache:3: “a” closes, but “b” (line 2) is open") == true)
        #expect(refusal("\n{{#a}}x") == "template pages/x.mustache:2: “a” is never closed")
        #expect(refusal("x\n{{>missing}}") == "template pages/x.mustache:2: no template named “missing”")
        #expect(refusal("{{x") == "template pages/x.mustache:1: unclosed tag")
        #expect(refusal("{{ok}} {{>ok}} {{<ok}}{{/ok}}") == nil)
    }

    /// The same templates through swift-mustache (the renderer this replaced) give the same bytes.
    @Test func matchesSwiftMustacheOnTheSubsetItKeeps() throws {
        let sources = [
            "page": "{{% CONTENT_TYPE: HTML }}\n{{<layout}}\n{{$content}}\n<h1>{{title}}</h1>\n{{#rows}}\n  <li>{{id}}: {{status_label}}</li>\n{{/rows}}\n{{^rows}}\n<p>none</p>\n{{/rows}}\n  {{>partial}}\n{{/content}}\n{{/layout}}\n",
            "layout": "{{% CONTENT_TYPE: HTML }}\n<!doctype html>\n<body data-x=\"{{title}}\">\n{{$content}}{{/content}}\n</body>\n",
            "partial": "{{% CONTENT_TYPE: HTML }}\n<ul>\n  {{#tags}}<b>{{.}}</b>{{/tags}}\n</ul>\n",
        ]
        var library = MustacheLibrary()
        for (n, s) in sources { library.register(try MustacheTemplate(string: s), named: n) }
        let dict: [String: Any] = ["title": "A & B", "rows": [["id": "1", "status_label": "Done"], ["id": "2", "status_label": "<q>"]], "tags": ["x", "y"]]
        let theirs = library.render(dict, withTemplate: "page")
        let ours = try Templates(sources: sources).render("page", Page(title: "A & B", rows: [Row(id: 1, statusLabel: "Done", thumbURL: nil), Row(id: 2, statusLabel: "<q>", thumbURL: nil)], tags: ["x", "y"]))
        #expect(ours == theirs)
        let empty = try Templates(sources: sources).render("page", Page(title: "t"))
        #expect(empty == library.render(["title": "t", "rows": [[String: Any]](), "tags": [String]()] as [String: Any], withTemplate: "page"))
    }
}
