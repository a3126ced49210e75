import Foundation
import Logging
import SQLite
import Testing
import WebCore
@testable import Reeldesk

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
        let q = try URLEncodedForm.decode(Array("q=fox+-snow&status=completed&resolution=720p&ratio=9%3A16&audio=off&owner=3&from=2026-11-01&to=2026-02-30&x=1".utf8))
        let f = TaskFilter(q)
        #expect(f.text == "fox -snow" && f.status == .completed && f.resolution == .p720 && f.aspectRatio == .tall && f.audio == false && f.ownerID == 3)
        #expect(f.from == "2026-11-01" && f.to == nil, "30 February is no day")
        #expect(TaskFilter(try URLEncodedForm.decode(Array(f.query.utf8))) == f, "the URL round-trips")
        #expect(TaskFilter(try URLEncodedForm.decode(Array("status=nope&owner=-1&audio=maybe".utf8))).isEmpty, "bad values are ignored")
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
        let f = TaskFilter(try URLEncodedForm.decode(Array(query.utf8)))
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
        let f = TaskFilter(try URLEncodedForm.decode(Array("q=fox".utf8)))
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

@Suite struct TagAndFavouriteTests {
    @Test func tagsAreKeptNormalized() {
        #expect(TaskTags.parse("Night, golden  Hour,night, <b>x</b>，很好 , ,") == ["night", "golden-hour", "bxb", "很好"])
        #expect(TaskTags.parse(String(repeating: "a", count: 40)) == [String(repeating: "a", count: TaskTags.maxLength)])
        #expect(TaskTags.parse((0..<20).map { "t\($0)" }.joined(separator: ",")).count == TaskTags.maxCount)
        #expect(TaskTags.decode(TaskTags.encode(["a\"b", "狐狸"])) == ["a\"b", "狐狸"] && TaskTags.decode("not json") == [])
    }

    @Test func tagsAndFavouritesFilterTheHistoryAndGoWithTheTask() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        for user in 1...2 {
            try store.db.prepare("INSERT INTO users (id, name, display_name, role, created_at, updated_at) VALUES (?, ?, ?, 'member', 0, 0)")
                .bind(Int64(user), "u\(user)", "U\(user)").run()
        }
        var ids: [Int64] = []
        for i in 0..<3 {
            var n = NewTask(parameters: Fixtures.parameters)
            n.ownerID = 1
            n.visibility = .team
            ids.append(try store.create(n, now: Double(i)).task.id)
        }
        let before = try #require(try store.find(ids[0]))
        let tagged = try #require(try store.update(ids[0]) { $0.tags = ["night", "city"] })
        #expect(tagged.version == before.version + 1, "a tag change shows on cached rows and live")
        _ = try store.update(ids[1]) { $0.tags = ["city"] }
        try Favourites(db: store.db).set(user: 2, task: ids[2], on: true)
        try Favourites(db: store.db).set(user: 2, task: ids[1], on: true)
        try Favourites(db: store.db).set(user: 2, task: ids[1], on: false)
        func found(_ query: String, _ user: Int64) throws -> [Int64] {
            try store.visible(to: .testing(.member, id: user)).keys(limit: 50, filter: TaskFilter(try URLEncodedForm.decode(Array(query.utf8)))).map(\.id)
        }
        #expect(try found("tag=city", 1) == [ids[1], ids[0]] && found("tag=NIGHT", 2) == [ids[0]])
        #expect(try found("fav=1", 2) == [ids[2]] && found("fav=1", 1).isEmpty, "stars are personal")
        #expect(try found("fav=1&tag=city", 2).isEmpty)
        _ = try store.update(ids[0]) { $0.tags = [] }
        #expect(try found("tag=night", 1).isEmpty, "the tag index follows the task")
        _ = try store.update(ids[2]) { $0.status = .failed }
        _ = try store.delete(ids[2])
        #expect(try store.db.prepare("SELECT COUNT(*) FROM favourites").first { $0.int(0) } == 0, "a deleted task leaves no star behind")
    }
}

@Suite struct CompareTests {
    @Test func promptDiffMarksWhatDiffersInWordsAndInChineseCharacters() {
        let s = PromptDiff.segments("a red fox in snow", against: "a grey fox in the snow")
        #expect(s.filter(\.changed).map(\.text) == ["red"])
        #expect(s.map(\.text).joined() == "a red fox in snow", "the text is whole")
        let zh = PromptDiff.segments("一只红色的狐狸", against: "一只白色的狐狸")
        #expect(zh.filter(\.changed).map(\.text) == ["红"])
        #expect(PromptDiff.segments("same", against: "same") == [.init(text: "same", changed: false)])
        let markup = PromptDiff.segments("<b>x</b>", against: "")
        #expect(markup.allSatisfy { $0.changed } && markup.map(\.text).joined() == "<b>x</b>", "markup is just text to the diff")
    }

    @Test func compareTakesTwoToFourDistinctIds() {
        #expect(CompareHandler.ids(["3", "7,3", "9"]) == [3, 7, 9])
        #expect(CompareHandler.ids(["0", "-1", "01", "x", "2"]) == [2])
        #expect(CompareHandler.ids(["1,2,3,4,5,6"]).count == CompareHandler.maxTasks + 1, "too many is refused, not cut")
    }
}

@Suite struct FinishedTaskNewsTests {
    @Test func aTaskEndingWritesOneOutboxRowAndAFinishedEventButACancelWritesNoOutboxRow() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        let a = try store.create(NewTask(parameters: Fixtures.parameters)).task
        let b = try store.create(NewTask(parameters: Fixtures.parameters)).task
        _ = try store.update(a.id) { $0.status = .processing }
        _ = try store.update(a.id) { $0.status = .failed; $0.errorMessage = "rejected" }
        _ = try store.update(a.id) { $0.tags = ["later"] }  // news about a finished task is not an ending
        _ = try store.update(b.id) { $0.status = .cancelled }
        let outbox = try store.db.prepare("SELECT task_id, status FROM webhook_outbox").map { ($0.int(0), $0.text(1)) }
        #expect(outbox.count == 1 && outbox[0] == (a.id, "failed"))
        let finished = try store.db.prepare("SELECT data FROM events WHERE data LIKE '%\"finished\":true%'").map { $0.text(0) }
        #expect(finished.count == 2, "the failure and the cancel each ended a task once")
    }
}

@Suite struct VariationTests {
    @Test func plansStartWithTheFormAndStepOneParameter() {
        var p = Fixtures.parameters
        p.duration = 11
        p.aspectRatio = .square
        #expect(Variations.plan(p, count: 4, vary: .aspectRatio).map(\.aspectRatio) == [.square, .wide, .tall, .classic])
        #expect(Variations.plan(p, count: 4, vary: .resolution).map(\.resolution) == [.p720, .p480, .p1080], "three resolutions")
        #expect(Variations.plan(p, count: 4, vary: .duration).map(\.duration) == [11, 10, 12, 9])
        let seeds = Variations.plan(p, count: 3, vary: .seed)
        #expect(seeds.map(\.seed) == [42, nil, nil] && Set(seeds.map(\.prompt)).count == 1, "the others are drawn when stored")
        #expect(Variations.plan(p, count: 9, vary: .seed).count == Variations.max && Variations.plan(p, count: 0, vary: .seed).count == 1)
    }
}

@Suite struct WebhookOutboxTests {
    @Test func withoutAWebhookTheNewsIsMarkedNotSentSoALaterWebhookGetsNoBacklog() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        let t = try store.create(NewTask(parameters: Fixtures.parameters)).task
        _ = try store.update(t.id) { $0.status = .failed }
        var config = try Config.fromEnvironment(["REELDESK_DATA_DIR": "/tmp/unused", "REELDESK_TEMPLATES_DIR": Fixtures.templatesDir])
        config.webhookURL = nil
        let sender = WebhookSender(config: config, db: store.db, logger: Logger(label: "test"))
        #expect(try sender.deliverDue() == 0)
        let left = try store.db.prepare("SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL").first { $0.int(0) }
        #expect(left == 0)
    }
}
