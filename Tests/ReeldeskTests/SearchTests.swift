import Foundation
import Logging
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
import ReeldeskWeb
import SQLite
import Testing
import WebCore

@Suite struct SearchTests {
    @Test func searchTextReadsWordsPhrasesAndExclusions() {
        let s = SearchText(#"fox "golden hour" -snow -"night sky" 狐狸 ""#)
        #expect(s.terms == [
            .init(text: "fox", excluded: false), .init(text: "golden hour", excluded: false), .init(text: "snow", excluded: true),
            .init(text: "night sky", excluded: true), .init(text: "狐狸", excluded: false),
        ])
        #expect(SearchText("-").terms == [.init(text: "-", excluded: false)], "a lone dash is a term, not an empty exclusion")
        #expect(SearchText(#"say "unterminated"#).terms.map(\.text) == ["say", "unterminated"])
        #expect(SearchText(String(repeating: "a ", count: 50)).terms.count == SearchText.maxTerms)
        #expect(SearchText(#"a"b"#).terms.map(\.text) == [#"a"b"#], "a quote inside a word stays part of it")
        #expect(SearchText.literal(#"say "hi""#) == #""say ""hi""""#)
    }

    @Test func filtersComeFromTheURLAndGoBackIntoIt() throws {
        let q = try URLEncodedForm.decode(Array("q=fox+-snow&status=completed&resolution=720p&ratio=9%3A16&audio=off&owner=3&from=2026-11-01&to=2026-02-28&x=1".utf8))
        let f = try HistoryQuery.parse(q, fromPage: true).filter
        #expect(f.text == "fox -snow" && f.status == .completed && f.resolution == .p720 && f.aspectRatio == .tall && f.audio == false && f.ownerID == 3)
        #expect(f.from == "2026-11-01" && f.to == "2026-02-28")
        #expect(try Fixtures.filter(f.query) == f, "the URL round-trips")
        // The page's own form sends every field; an empty one means "any".
        #expect(try Fixtures.filter("q=&status=&resolution=&ratio=&audio=&owner=&from=&to=&tag=").isEmpty)
    }

    @Test func aValueThatDoesNotParseIsNamedNeverDropped() throws {
        let (query, errors) = HistoryQuery.read(try URLEncodedForm.decode(Array("status=nope&owner=-1&audio=maybe&to=2026-02-30&ratio=16:9".utf8)),
                                                fromPage: true)
        #expect(errors.map(\.name) == ["status", "audio", "owner", "to"])
        #expect(query.filter.aspectRatio == .wide && query.filter.status == nil, "the valid ones are kept")
        // The API takes its description literally: an empty value is checked too.
        #expect(throws: ParameterErrors.self) { try HistoryQuery.parse(try URLEncodedForm.decode(Array("status=".utf8)), fromPage: false) }
        #expect(throws: ParameterErrors.self) { try HistoryQuery.parse(try URLEncodedForm.decode(Array("before=x".utf8)), fromPage: true) }
    }

    func store(_ prompts: [(String, Resolution, Bool)]) throws -> (TaskStore, [Int64]) {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        var ids: [Int64] = []
        for (prompt, resolution, audio) in prompts {
            var p = Fixtures.parameters
            p.prompt = prompt
            p.resolution = resolution
            p.audio = audio
            var n = NewTask(parameters: p)
            n.ownerID = 1
            ids.append(try store.create(n).task.id)
        }
        return (store, ids)
    }

    func found(_ store: TaskStore, _ query: String, viewer: Viewer = .testing(.member, id: 1)) throws -> [Int64] {
        let f = try Fixtures.filter(query)
        return try store.visible(to: viewer).keys(limit: 100, filter: f).map(\.id)
    }

    @Test func searchFindsSubstringsInAnyScriptAndCombinesWithFilters() throws {
        let (store, ids) = try store([
            ("A red fox running through snow", .p720, true), ("一只红色的狐狸在雪地里奔跑", .p480, false),
            ("Golden hour over the harbour", .p1080, true), ("The FOXES sleep at night", .p720, false),
            ("狐狸 and a fox at golden hour", .p480, true),
        ])
        #expect(try found(store, "q=fox") == [ids[4], ids[3], ids[0]], "case-insensitive substrings, newest first")
        #expect(try found(store, "q=%E7%8B%90%E7%8B%B8") == [ids[4], ids[1]], "a two-character Chinese word")
        #expect(try found(store, "q=%E7%BA%A2%E8%89%B2%E7%9A%84%E7%8B%90%E7%8B%B8") == [ids[1]], "a longer Chinese phrase, through the index")
        #expect(try found(store, "q=%22golden+hour%22") == [ids[4], ids[2]])
        #expect(try found(store, "q=fox+-snow") == [ids[4], ids[3]])
        #expect(try found(store, "q=-fox") == [ids[2], ids[1]], "only an exclusion")
        #expect(try found(store, "q=fox&resolution=720p&audio=on") == [ids[0]])
        #expect(try found(store, "q=fox&status=failed").isEmpty)
        #expect(try found(store, "q=fox", viewer: .testing(.member, id: 2)) == [ids[4], ids[3], ids[0]], "team tasks are shared")
        #expect(try found(store, "q=%22%29+OR+1%3D1+--+%22NEAR%28").isEmpty, "FTS syntax in a search is text")
    }

    @Test func theIndexFollowsErrorTextsAndDeletes() throws {
        let (store, ids) = try store([("quiet street", .p480, false), ("busy street", .p480, false)])
        try store.update(ids[0]) { $0.errorMessage = "Saving the video failed (the disk is full); Reeldesk will try again." }
        #expect(try found(store, "q=disk").isEmpty, "a passing note on a running task is not indexed")
        try store.update(ids[0]) { $0.status = .failed; $0.errorMessage = "The prompt was rejected by content moderation" }
        #expect(try found(store, "q=moderation") == [ids[0]], "the error a task ended with is")
        try store.update(ids[0]) { $0.errorMessage = nil }
        #expect(try found(store, "q=moderation").isEmpty, "a cleared error is no longer found")
        try store.update(ids[0]) { $0.errorMessage = "rejected again" }
        try store.update(ids[1]) { $0.status = .failed }
        _ = try store.delete(ids[1])
        #expect(try found(store, "q=street") == [ids[0]])
        #expect(try store.db.prepare("SELECT COUNT(*) FROM task_search").first { $0.int(0) } == 1)
        try store.db.execute("INSERT INTO task_search (task_search) VALUES ('integrity-check')")  // throws if the index drifted
    }

    @Test func keysetPagesWithAFilterHaveNoGapsOrRepeatsWhileTasksArrive() throws {
        let (store, _) = try store((0..<30).map { ("shot \($0) \($0 % 3 == 0 ? "fox" : "owl")", .p480, false) })
        let visible = store.visible(to: .testing(.member, id: 1))
        let f = try Fixtures.filter("q=fox")
        var seen: [Int64] = []
        var before: Int64? = nil
        repeat {
            let page = try visible.keys(before: before, limit: 4, filter: f)
            seen += page.map(\.id)
            before = page.count == 4 ? page.last?.id : nil
            var p = Fixtures.parameters
            p.prompt = "a new fox"
            _ = try store.create(NewTask(parameters: p))  // arrives between page loads
        } while before != nil
        #expect(seen.count == 10 && Set(seen).count == 10 && seen == seen.sorted(by: >))
    }
}

@Suite struct HistoryPageTests {
    @Test func pagesGoBothWaysInEitherOrderWithoutGapsOrRepeats() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        var all: [Int64] = []
        for i in 0..<23 {
            var p = Fixtures.parameters
            p.prompt = "shot \(i) \(i % 2 == 0 ? "fox" : "owl")"
            all.append(try store.create(NewTask(parameters: p)).task.id)
        }
        let foxes = all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let visible = store.visible(to: .testing(.admin, id: 1))
        for (query, expected) in [("q=fox", foxes.reversed() as [Int64]), ("q=fox&sort=oldest", foxes), ("sort=oldest", all)] {
            let filter = try Fixtures.filter(query)
            // Forward through every page, then back again with the other link.
            var pages: [[Int64]] = []
            var page = try HistoryPage.load(visible, filter: filter, before: nil, after: nil, size: 5)
            pages.append(page.keys.map(\.id))
            while true {
                let next = filter.oldestFirst ? page.newerAfter.map { (nil as Int64?, Optional($0)) } : page.olderBefore.map { (Optional($0), nil as Int64?) }
                guard let (before, after) = next else { break }
                page = try HistoryPage.load(visible, filter: filter, before: before, after: after, size: 5)
                pages.append(page.keys.map(\.id))
            }
            #expect(pages.flatMap { $0 } == expected, "\(query) forward")
            var back: [[Int64]] = [page.keys.map(\.id)]
            while true {
                let previous = filter.oldestFirst ? page.olderBefore.map { (Optional($0), nil as Int64?) } : page.newerAfter.map { (nil as Int64?, Optional($0)) }
                guard let (before, after) = previous else { break }
                page = try HistoryPage.load(visible, filter: filter, before: before, after: after, size: 5)
                back.insert(page.keys.map(\.id), at: 0)
            }
            #expect(back == pages, "\(query) backward gives the same pages")
        }
    }
}
