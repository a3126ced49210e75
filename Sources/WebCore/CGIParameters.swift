/// The CGI parameters of one FastCGI request, validated like any other untrusted input: anyone
/// who can reach the socket can send any bytes, not only nginx.
public struct CGIParameters: Sendable {
    public let method: HTTPMethod
    public let path: String
    public let query: String
    public let headers: HTTPHeaders
    /// The body length the client declared (0 when absent).
    public let contentLength: Int
    public let remoteAddress: String
    /// The front end's request id when it is a plain token, else nil (a fresh one is made).
    public let requestID: String?

    /// Why a parameter set was refused; every case answers 400.
    public enum Problem: Error, Equatable, Sendable {
        case badContentLength(String)
        case duplicated(String)
        case controlCharacter(String)
        case badMethod
    }

    /// Parameters that decide how the request is framed or routed: a second copy with another
    /// value would let two readers see two different requests.
    static let single: Set<String> = ["CONTENT_LENGTH", "CONTENT_TYPE", "REQUEST_METHOD", "DOCUMENT_URI", "REQUEST_URI", "QUERY_STRING"]

    /// Declared lengths beyond this are not uploads but nonsense (2^40 bytes).
    public static let maxDeclaredLength = 1 << 40

    /// Validates `pairs` (in the order received). Refuses control characters (tab excepted) in
    /// any name or value, a malformed or duplicated `CONTENT_LENGTH`, conflicting copies of the
    /// framing parameters and a method that is not an HTTP token.
    public static func parse(_ pairs: [(name: String, value: String)]) throws(Problem) -> CGIParameters {
        var params: [String: String] = [:]
        var headers = HTTPHeaders()
        for (name, value) in pairs {
            guard !hasControlCharacter(name), !hasControlCharacter(value) else { throw .controlCharacter(name) }
            if let existing = params[name] {
                if name == "CONTENT_LENGTH" || (single.contains(name) && existing != value) { throw .duplicated(name) }
                if single.contains(name) { continue }
            } else {
                params[name] = value
            }
            if name.hasPrefix("HTTP_") { headers.add(headerName(fromCGI: name), value) }
        }
        if let ct = params["CONTENT_TYPE"], !ct.isEmpty { headers.add("Content-Type", ct) }
        let length = try contentLength(params["CONTENT_LENGTH"])
        let methodName = params["REQUEST_METHOD"] ?? "GET"
        guard !methodName.isEmpty, methodName.utf8.count <= 32, methodName.utf8.allSatisfy(isTokenByte) else { throw .badMethod }
        let (path, query) = pathAndQuery(params)
        if hasControlCharacter(path) { throw .controlCharacter("path") }
        return CGIParameters(
            method: HTTPMethod(methodName), path: path, query: query, headers: headers, contentLength: length,
            remoteAddress: params["REMOTE_ADDR"] ?? "", requestID: params["REQUEST_ID"].flatMap(validRequestID))
    }

    /// Absent or empty means 0; otherwise 1–13 ASCII digits, no sign, no spaces.
    static func contentLength(_ raw: String?) throws(Problem) -> Int {
        guard let raw, !raw.isEmpty else { return 0 }
        guard raw.utf8.count <= 13, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(raw), n <= maxDeclaredLength else {
            throw .badContentLength(String(raw.prefix(32)))
        }
        return n
    }

    /// Bytes below 0x20 (except tab) and DEL forge log lines and headers; no front end sends them.
    static func hasControlCharacter(_ s: String) -> Bool {
        s.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7f }
    }

    /// RFC 9110 token characters.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// nginx's `$request_id` is 32 hex digits; accept up to 64 letters, digits, `-` and `_`.
    static func validRequestID(_ s: String) -> String? {
        guard !s.isEmpty, s.utf8.count <= 64 else { return nil }
        let ok = s.utf8.allSatisfy { isTokenByte($0) && $0 != UInt8(ascii: "%") && $0 != UInt8(ascii: "|") }
        return ok ? s : nil
    }

    /// `HTTP_X_REQUESTED_WITH` → `X-Requested-With`.
    /// Words are split at `_` (empty ones dropped); each keeps its first byte and lowers the rest.
    static func headerName(fromCGI key: String) -> String {
        commonHeaders[key] ?? spelledHeaderName(fromCGI: key)
    }

    static func spelledHeaderName(fromCGI key: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(key.utf8.count)
        var wordStart = true
        for b in key.utf8.dropFirst(5) {
            if b == UInt8(ascii: "_") {
                wordStart = true
                continue
            }
            if wordStart, !out.isEmpty { out.append(UInt8(ascii: "-")) }
            out.append(wordStart || !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) ? b : b + 32)
            wordStart = false
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The headers every browser sends, named without a walk over their bytes.
    static let commonHeaders: [String: String] = Dictionary(uniqueKeysWithValues: [
        "Host", "User-Agent", "Accept", "Accept-Language", "Accept-Encoding", "Cookie", "Referer", "Connection",
        "Content-Type", "Content-Length", "Origin", "Upgrade-Insecure-Requests", "Cache-Control", "Pragma",
        "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User", "X-Requested-With", "If-None-Match",
        "If-Modified-Since", "Range", "Last-Event-Id", "Authorization", "Dnt", "Priority",
    ].map { ("HTTP_" + String($0.uppercased().map { $0 == "-" ? "_" : $0 }), $0) })

    /// nginx passes the decoded, normalised path as DOCUMENT_URI; fall back to REQUEST_URI.
    static func pathAndQuery(_ params: [String: String]) -> (String, String) {
        let query = params["QUERY_STRING"] ?? ""
        if let doc = params["DOCUMENT_URI"], !doc.isEmpty { return (doc, query) }
        let uri = params["REQUEST_URI"] ?? "/"
        let rawPath = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        return (String(decoding: URLEncodedForm.percentDecode(Array(rawPath.utf8), plusIsSpace: false), as: UTF8.self), query)
    }
}
