/// One HTTP request as the responder sees it: CGI parameters turned into typed fields.
public struct Request: Sendable {
    public let method: HTTPMethod
    /// The decoded path without the query string, e.g. `/tasks/12`.
    public let path: String
    /// The raw query string (without `?`).
    public let query: String
    public let headers: HTTPHeaders
    public let body: [UInt8]
    public let remoteAddress: String
    /// nginx's `$request_id` when passed, else a fresh one: ties log lines to one request.
    public let requestID: String

    public init(method: HTTPMethod, path: String, query: String = "", headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], remoteAddress: String = "", requestID: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID ?? Self.makeRequestID()
    }

    /// 16 random hex digits.
    public static func makeRequestID() -> String {
        let n = UInt64.random(in: .min ... .max)
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Cookies sent by the browser (first value wins on duplicates).
    public var cookies: [String: String] { Cookies.parse(headers["Cookie"] ?? "") }

    /// Query parameters, decoded leniently (bad escapes are kept literally).
    public var queryItems: FormData {
        (try? URLEncodedForm.decode(Array(query.utf8), limits: .query)) ?? FormData()
    }

    /// The media type of the body without parameters, lowercased (`multipart/form-data`).
    public var mediaType: String {
        let raw = headers["Content-Type"] ?? ""
        return raw.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces().lowercased() } ?? ""
    }
}

extension Substring {
    /// Trims ASCII spaces and tabs (Foundation-free).
    public func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
