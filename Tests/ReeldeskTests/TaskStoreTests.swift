import Testing
@testable import Reeldesk

@Suite struct TaskStoreTests {
    @Test func createStoresQueuedTaskWithItsEvent() throws {
        let db = try Fixtures.migratedDatabase()
        let store = TaskStore(db: db)
        let t = try store.create(NewTask(parameters: Fixtures.parameters), now: 1000).task
        #expect(t.status == .queued && t.parameters == Fixtures.parameters && t.createdAt == 1000)
        #expect(t.idempotencyKey.count == 36)
        let events = try EventLog(db: db).events(after: 0, limit: 10)
        #expect(events.count == 1 && events[0].name == "task.created" && events[0].taskID == t.id)
        #expect(events[0].data.contains("\"status\":\"queued\""))
        #expect(try EventLog(db: db).latestEventID() == events[0].id)
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
}
