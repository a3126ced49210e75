@testable import Reeldesk
import ReeldeskStore
import ReeldeskWeb
import Testing

@Suite struct TaskStoreTests {
    @Test func createStoresQueuedTaskWithItsEvent() throws {
        let db = try Fixtures.migratedDatabase()
        let store = TaskStore(db: db)
        let t = try store.create(NewTask(parameters: Fixtures.parameters), now: 1000).task
        #expect(t.status == .queued && t.parameters == Fixtures.parameters && t.createdAt == 1000)
        #expect(t.idempotencyKey.count == 36)
        let events = try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10)
        #expect(events.count == 1 && events[0].name == "task.created" && events[0].taskID == t.id)
        #expect(events[0].data.contains("\"status\":\"queued\""))
        #expect(try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).latestEventID() == events[0].id)
    }

    @Test func listIsNewestFirstWithKeysetCursor() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        for _ in 0..<5 { _ = try store.create(NewTask(parameters: Fixtures.parameters)) }
        #expect(try store.list(limit: 3).map(\.id) == [5, 4, 3])
        #expect(try store.list(before: 3, limit: 3).map(\.id) == [2, 1])
        #expect(try store.hasNewer(than: 4))
        #expect(try !store.hasNewer(than: 5))
        #expect(try store.find(99) == nil)
    }

    /// The table holds facts; the payload is built at delivery from the task as it is now.
    @Test func eventsStoreFactsAndAreRenderedAtDelivery() throws {
        let db = try Fixtures.migratedDatabase()
        let store = TaskStore(db: db)
        let t = try store.create(NewTask(parameters: Fixtures.parameters)).task
        try store.update(t.id) { $0.status = .processing; $0.progress = 40 }
        let stored = try db.prepare("SELECT data FROM events ORDER BY id").map { $0.text(0) }
        #expect(stored == ["{\"id\":\(t.id),\"version\":1,\"owner\":null,\"visibility\":\"team\"}",
                           "{\"id\":\(t.id),\"version\":2,\"owner\":null,\"visibility\":\"team\"}"])
        #expect(!stored.contains { $0.contains(Fixtures.parameters.prompt) }, "no prompt, no label, no URL in the table")
        let delivered = try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10)
        #expect(delivered.allSatisfy { $0.data.contains("\"progress\":40") }, "a replay shows the task as it is now")
        try store.update(t.id) { $0.status = .failed }
        _ = try store.delete(t.id)
        let afterDelete = try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10)
        #expect(afterDelete.allSatisfy { $0.name == "task.deleted" && !$0.data.contains(Fixtures.parameters.prompt) })
    }
}
