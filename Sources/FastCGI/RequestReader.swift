import CFastCGI
import WebCore

/// Turns an accepted `FCGX_Request` into a `WebCore.Request`.
enum RequestReader {
    enum ReadError: Error { case tooLarge(Int), truncated }

    /// Reads CGI params and the body (up to `maxBody` bytes; beyond that the body is drained
    /// so nginx is not cut off mid-write, and `tooLarge` is thrown).
    static func read(_ req: UnsafeMutablePointer<FCGX_Request>, maxBody: Int) throws(ReadError) -> Request {
        var params: [String: String] = [:]
        var headers = HTTPHeaders()
        if var env = req.pointee.envp {
            while let entry = env.pointee {
                let s = String(cString: entry)
                if let eq = s.firstIndex(of: "=") {
                    let key = String(s[..<eq])
                    let value = String(s[s.index(after: eq)...])
                    if params[key] == nil { params[key] = value }
                    if key.hasPrefix("HTTP_") { headers.add(headerName(fromCGI: key), value) }
                }
                env += 1
            }
        }
        if let ct = params["CONTENT_TYPE"], !ct.isEmpty { headers.add("Content-Type", ct) }
        let length = Int(params["CONTENT_LENGTH"] ?? "") ?? 0
        let body = try readBody(req.pointee.in, length: length, maxBody: maxBody)
        let (path, query) = pathAndQuery(params)
        return Request(
            method: HTTPMethod(params["REQUEST_METHOD"] ?? "GET"),
            path: path, query: query, headers: headers, body: body,
            remoteAddress: params["REMOTE_ADDR"] ?? "",
            requestID: params["REQUEST_ID"].flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
        )
    }

    static func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, length: Int, maxBody: Int) throws(ReadError) -> [UInt8] {
        guard let stream else { return [] }
        if length > maxBody {
            drain(stream)
            throw .tooLarge(length)
        }
        var body = [UInt8](repeating: 0, count: length)
        var got = 0
        while got < length {
            let n = body.withUnsafeMutableBytes { raw in
                FCGX_GetStr(raw.baseAddress!.assumingMemoryBound(to: CChar.self) + got, Int32(min(length - got, 1 << 20)), stream)
            }
            if n <= 0 { throw .truncated }
            got += Int(n)
        }
        return body
    }

    /// Reads and discards the rest of the input.
    static func drain(_ stream: UnsafeMutablePointer<FCGX_Stream>) {
        var scratch = [CChar](repeating: 0, count: 65536)
        while scratch.withUnsafeMutableBufferPointer({ FCGX_GetStr($0.baseAddress, 65536, stream) }) > 0 {}
    }

    /// `HTTP_X_REQUESTED_WITH` → `X-Requested-With`.
    static func headerName(fromCGI key: String) -> String {
        key.dropFirst(5).split(separator: "_").map { $0.prefix(1) + $0.dropFirst().lowercased() }.joined(separator: "-")
    }

    /// nginx passes the decoded, normalised path as DOCUMENT_URI; fall back to REQUEST_URI.
    static func pathAndQuery(_ params: [String: String]) -> (String, String) {
        let query = params["QUERY_STRING"] ?? ""
        if let doc = params["DOCUMENT_URI"], !doc.isEmpty { return (doc, query) }
        let uri = params["REQUEST_URI"] ?? "/"
        let rawPath = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        return (String(decoding: URLEncodedForm.percentDecode(Array(rawPath.utf8), plusIsSpace: false), as: UTF8.self), query)
    }
}
