import WebCore

/// GET /events: a Server-Sent Events stream of task events. Resumes after `Last-Event-ID`
/// (sent by a reconnecting EventSource) or `?after=` (the id the page was rendered at), else
/// starts from now. `?task=ID` narrows the stream to one task.
struct EventsHandler {
    let context: AppContext
    let events: EventLog

    func stream(_ request: RequestContext) throws -> Response {
        let query = request.queryItems
        let resume = ServerSentEvent.parseLastEventID(request.headers["Last-Event-ID"])
            ?? ServerSentEvent.parseLastEventID(query["after"])
        let start = try resume ?? events.latestEventID()
        let taskFilter = query["task"].flatMap { Int64($0) }
        let subscription = EventStreamRequest(lastEventID: start) { event in
            guard let taskFilter else { return true }
            return event.taskID == taskFilter
        }
        return Response(body: .eventStream(subscription))
    }
}
