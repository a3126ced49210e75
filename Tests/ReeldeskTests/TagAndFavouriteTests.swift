import Foundation
import Logging
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
import SQLite
import Testing
import WebCore

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
            try store.visible(to: .testing(.member, id: user)).keys(limit: 50, filter: try Fixtures.filter(query)).map(\.id)
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

@Suite struct FamilyTests {
    @Test func theHistoryFoldsRetriedAttemptsAndAFamilyShowsEveryMember() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        func make(parent: Int64? = nil, _ lineage: Lineage? = nil) throws -> Int64 {
            var n = NewTask(parameters: Fixtures.parameters)
            n.parentTaskID = parent
            n.lineage = lineage
            return try store.create(n).task.id
        }
        let first = try make()
        let retry1 = try make(parent: first, .retry)
        let retry2 = try make(parent: retry1, .retry)
        let remix = try make(parent: retry2, .remix)
        let stranger = try make()
        func found(_ query: String) throws -> [Int64] {
            try store.visible(to: .testing(.admin, id: 1)).keys(limit: 50, filter: try Fixtures.filter(query)).map(\.id)
        }
        #expect(try found("") == [stranger, remix, retry2], "retried attempts fold under their latest")
        #expect(try found("attempts=all") == [stranger, remix, retry2, retry1, first])
        #expect(try found("family=\(retry1)") == [remix, retry2, retry1, first], "from the middle: up to the first, down to the last")
        #expect(try found("family=\(stranger)") == [stranger])
    }
}
