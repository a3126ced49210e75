/// What a handler answers. A body is bytes; an event stream is handed to the SSE hub instead.
public struct Response: Sendable {
    /// The payload of a response.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Keep the connection open as a `text/event-stream` that starts after `lastEventID`.
        case eventStream(EventStreamRequest)
        /// Written piece by piece as it is made (no Content-Length): a zip of many videos is
        /// never whole in memory.
        case stream(StreamedBody)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An HTML page.
    public static func html(_ text: String, status: HTTPStatus = .ok) -> Response {
        var h = HTTPHeaders()
        h.add("Content-Type", "text/html; charset=utf-8")
        return Response(status: status, headers: h, body: .bytes(Array(text.utf8)))
    }

    /// A JSON document (already encoded).
    public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> Response {
        var h = HTTPHeaders()
        h.add("Content-Type", "application/json")
        return Response(status: status, headers: h, body: .bytes(bytes))
    }

    /// 303 See Other, the answer to a successful form POST.
    public static func redirect(to location: String) -> Response {
        var h = HTTPHeaders()
        h.add("Location", location)
        return Response(status: .seeOther, headers: h)
    }

    /// The body length in bytes, or nil for a stream.
    public var byteCount: Int? {
        if case .bytes(let b) = body { return b.count }
        return nil
    }
}

/// A body that writes itself: `produce` is called once with a function that sends bytes and
/// answers false when the client has gone (then it should stop).
public struct StreamedBody: Sendable {
    public let produce: @Sendable (_ send: ([UInt8]) -> Bool) -> Void

    public init(_ produce: @escaping @Sendable (_ send: ([UInt8]) -> Bool) -> Void) { self.produce = produce }
}

/// A request to hold an event stream open: where to resume, and which events this stream may see.
public struct EventStreamRequest: Sendable {
    public let lastEventID: Int64
    /// Decides per event whether this subscriber may receive it (visibility rules live in the app).
    public let accepts: @Sendable (ServerSentEvent) -> Bool
    /// True for an event that ends this stream (its session was ended): the hub closes it.
    public let endsWith: @Sendable (ServerSentEvent) -> Bool

    public init(lastEventID: Int64, accepts: @escaping @Sendable (ServerSentEvent) -> Bool = { _ in true },
                endsWith: @escaping @Sendable (ServerSentEvent) -> Bool = { _ in false }) {
        self.lastEventID = lastEventID
        self.accepts = accepts
        self.endsWith = endsWith
    }
}
