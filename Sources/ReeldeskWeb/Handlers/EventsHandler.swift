import ReeldeskStore
import WebCore

/// GET /events: a Server-Sent Events stream of task events. Resumes after `Last-Event-ID`
/// (sent by a reconnecting EventSource) or `?after=` (the id the page was rendered at), else
/// starts from now. `?task=ID` narrows the stream to one task.
///
/// Each event reaches this stream only if its viewer may see the task as it is when the hub
/// delivers it (`Viewer.mayReceive`), live and in replays alike. The stream closes when its
/// session ends (logout, password reset, account disabled).
package struct EventsHandler {
    package let context: AppContext
    package let store: TaskStore

    package func stream(_ request: RequestContext) throws -> Response {
        let query = try EventsQuery.parse(request.queryItems)
        let resume = ServerSentEvent.parseLastEventID(request.headers["Last-Event-ID"]) ?? query.after
        let start = try resume ?? store.latestEventID()
        let taskFilter = query.task
        let viewer = request.viewer
        let ending = SessionEnding(sessionID: viewer.sessionID, userID: viewer.id)
        let subscription = EventStreamRequest(lastEventID: start, accepts: { event in
            guard viewer.mayReceive(event.audience) else { return false }
            guard let taskFilter else { return true }
            return event.taskID == taskFilter
        }, endsWith: { event in
            event.name == SessionStore.endedEvent && ending.matches(event.data)
        })
        return Response(body: .eventStream(subscription))
    }
}

/// Whether a `session.ended` event (`{"session":7}` or `{"user":3}`) is about this stream.
package struct SessionEnding: Sendable {
    package let sessionID: Int64?
    package let userID: Int64

    package func matches(_ facts: String) -> Bool {
        if let s = sessionID, facts == "{\"session\":\(s)}" { return true }
        return facts == "{\"user\":\(userID)}"
    }

    package init(sessionID: Int64?, userID: Int64) {
        self.sessionID = sessionID
        self.userID = userID
    }
}
