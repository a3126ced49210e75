import Foundation
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
@testable import ReeldeskWeb
import Testing
import WebCore

/// One shape of a task: the API's answer, a webhook's body and a live update carry the same JSON
/// object, and the rows, cards, player and family line a live update brings are the bytes the
/// pages render (so the browser builds no markup, and nothing drifts between the two).
@Suite struct OneTaskShapeTests {
    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `value` as JSON with sorted keys, so two decodings compare as text.
    private func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The last live event of `kind` about `id`, decoded.
    private func liveUpdate(_ portal: InProcessPortal, _ id: Int64, kind: String = TaskEvent.updated) throws -> [String: Any] {
        let feed = TaskEventFeed(db: portal.db, fragments: portal.app.context.fragments)
        let event = try #require(try feed.events(after: 0, limit: 1_000).last { $0.taskID == id && $0.name == kind })
        return try object(event.data)
    }

    @Test func theAPIAWebhookAndALiveUpdateCarryTheSameTask() throws {
        let portal = try InProcessPortal()
        var t = try portal.completedTask(of: .member, visibility: .team)
        t = try #require(try TaskStore(db: portal.db).update(t.id) { $0.tags = ["night"]; $0.upstreamTaskID = "cgt-1"; $0.estimatedSeconds = 90 })
        let api = try object(portal.send(.get, Route.apiTask(id: t.id).path, as: .member).bodyText)
        #expect(api["upstream_task_id"] as? String == "cgt-1" && api["estimated_seconds"] as? Int == 90)
        #expect((api["video"] as? [String: Any])?["thumb_url"] as? String == Route.taskThumbnail(id: t.id).path)

        let live = try liveUpdate(portal, t.id)
        let liveTask = try #require(live["task"] as? [String: Any])
        #expect(try canonical(liveTask) == canonical(api))

        let hook = try object(String(decoding: try WebhookBody.encode(delivery: 1, task: t, publicURL: InProcessPortal.origin), as: UTF8.self))
        let hookTask = try #require(hook["task"] as? [String: Any])
        #expect(try canonical(hookTask) == canonical(api))
        #expect(hook["page_url"] as? String == InProcessPortal.origin + Route.task(id: t.id).path)
    }

    @Test func liveRowsCardsPlayersAndFamilyLinesAreWhatThePagesShow() throws {
        let portal = try InProcessPortal()
        let store = TaskStore(db: portal.db)
        let parent = try portal.completedTask(of: .member, visibility: .team)
        var n = NewTask(parameters: Fixtures.parameters, parentTaskID: parent.id, lineage: .variation)
        n.ownerID = portal.accounts[.member]?.id
        let child = try store.create(n).task
        _ = try store.update(child.id) { $0.status = .processing; $0.progress = 40 }

        // A new task's event brings its row and card to insert; a finished one's its new card.
        for (task, kind) in [(parent.id, TaskEvent.updated), (child.id, TaskEvent.created)] {
            let view = try #require(try liveUpdate(portal, task, kind: kind)["view"] as? [String: Any])
            let row = try #require(view["row_html"] as? String), card = try #require(view["card_html"] as? String)
            #expect(row.hasPrefix("<tr data-task-id=\"\(task)\"") && card.hasPrefix("<li class=\"card\" data-task-id=\"\(task)\""))
            #expect(portal.send(.get, Route.taskList.path, query: "view=list", as: .member).bodyText.contains(row), "history table")
            #expect(portal.send(.get, Route.home.path, as: .member).bodyText.contains(row), "home page's recent tasks")
            #expect(portal.send(.get, Route.taskList.path, as: .member).bodyText.contains(card), "history grid")
        }

        let done = try #require(try liveUpdate(portal, parent.id)["view"] as? [String: Any])
        let player = try #require(done["player_html"] as? String)
        #expect(player.contains("src=\"\(Route.taskVideo(id: parent.id).path)\""))
        let parentPage = portal.send(.get, Route.task(id: parent.id).path, as: .member).bodyText
        #expect(parentPage.contains(player), "the task page's player")
        let compare = portal.send(.get, Route.compare.path, query: "ids=\(parent.id),\(child.id)", as: .member).bodyText
        #expect(compare.contains(try #require(done["compare_html"] as? String)), "the compare view's video")
        #expect(done["family_html"] == nil, "a task made from nothing is nobody's child")

        let running = try #require(try liveUpdate(portal, child.id)["view"] as? [String: Any])
        #expect(running["player_html"] == nil && running["compare_html"] == nil, "no video yet")
        #expect(running["row_html"] == nil && running["card_html"] == nil && running["family_html"] == nil,
                "a progress tick changes a badge and a bar the page has: no fragment")
        #expect(running["status_label"] as? String == "Processing" && (running["is_terminal"] as? Bool) == false)
        let created = try #require(try liveUpdate(portal, child.id, kind: TaskEvent.created)["view"] as? [String: Any])
        let line = try #require(created["family_html"] as? String)
        #expect(line.contains("data-child-id=\"\(child.id)\"") && parentPage.contains(line), "the parent's family list")
    }
}
