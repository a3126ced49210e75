import Foundation
import Logging
@testable import Reeldesk
import ReeldeskStore
import ReeldeskSystem
import ReeldeskWorker
import SQLite
import Testing
import WebCore

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

@Suite struct WebhookOutboxTests {
    @Test func withoutAWebhookTheNewsIsMarkedNotSentSoALaterWebhookGetsNoBacklog() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        let t = try store.create(NewTask(parameters: Fixtures.parameters)).task
        _ = try store.update(t.id) { $0.status = .failed }
        var config = try Config.fromEnvironment(["REELDESK_DATA_DIR": "/tmp/unused", "REELDESK_TEMPLATES_DIR": Fixtures.templatesDir])
        config.webhookURL = nil
        let sender = WebhookSender(config: config, db: store.db, logger: Logger(label: "test"),
                                   body: Composition.portalLinks(config: config, secret: Array(repeating: 1, count: 32)).webhookBody)
        #expect(try sender.deliverDue() == 0)
        let left = try store.db.prepare("SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL").first { $0.int(0) }
        #expect(left == 0)
    }
}
