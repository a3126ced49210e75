import CFastCGI
#if canImport(Glibc)
import Glibc
#endif
import WebCore

/// Turns an accepted `FCGX_Request` into a `WebCore.Request`.
package enum RequestReader {
    enum ReadError: Error {
        /// The declared body is over the limit (and the bytes that came match the declaration).
        case tooLarge(Int)
        /// Fewer or more bytes than declared, or unusable parameters.
        case malformed(String)
    }

    /// Reads and validates the CGI params, then the body (up to `maxBody` bytes). A declared
    /// length over the limit is drained (up to a bound, so nginx is not cut off mid-write) and
    /// answered 413 when the body really is that long, 400 when the declaration was a lie.
    static func read(_ req: UnsafeMutablePointer<FCGX_Request>, maxBody: Int) throws(ReadError) -> Request {
        let params: CGIParameters
        do {
            params = try CGIParameters.parse(pairs(req.pointee.envp))
        } catch {
            if let stream = req.pointee.in { _ = drain(stream, upTo: maxBody) }
            throw .malformed("\(error)")
        }
        let body = try readBody(req.pointee.in, length: params.contentLength, maxBody: maxBody)
        return Request(method: params.method, path: params.path, query: params.query, headers: params.headers, body: body,
                       remoteAddress: params.remoteAddress, requestID: params.requestID)
    }

    /// The `NAME=value` strings of the environment block, split at the first `=`.
    package static func pairs(_ envp: FCGX_ParamArray?) -> [(name: String, value: String)] {
        guard var env = envp else { return [] }
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(48)
        while let entry = env.pointee {
            // Split at the first `=` as bytes (no Character walk); invalid UTF-8 is repaired as String(cString:) would.
            let bytes = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                out.append((String(decoding: bytes[..<eq], as: UTF8.self), String(decoding: bytes[(eq + 1)...], as: UTF8.self)))
            }
            env += 1
        }
        return out
    }

    static func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, length: Int, maxBody: Int) throws(ReadError) -> [UInt8] {
        guard let stream else { return [] }
        if length > maxBody {
            // Past twice the limit nobody legitimate is still sending: stop reading there.
            let bound = min(length, 2 * maxBody + (1 << 20))
            let got = drain(stream, upTo: bound)
            if got >= bound { throw .tooLarge(length) }
            throw .malformed("declared \(length) bytes, received \(got)")
        }
        var body = [UInt8](repeating: 0, count: length)
        var got = 0
        while got < length {
            let n = body.withUnsafeMutableBytes { raw in
                FCGX_GetStr(raw.baseAddress!.assumingMemoryBound(to: CChar.self) + got, Int32(min(length - got, 1 << 20)), stream)
            }
            if n <= 0 { throw .malformed("declared \(length) bytes, received \(got)") }
            got += Int(n)
        }
        // Bytes beyond the declared length mean the declaration was wrong.
        if drain(stream, upTo: 1) > 0 { throw .malformed("more bytes than the declared \(length)") }
        return body
    }

    /// Reads and discards input until its end or until more than `limit` bytes (then stops
    /// reading; the connection is closed after the answer). Returns the bytes read.
    @discardableResult
    static func drain(_ stream: UnsafeMutablePointer<FCGX_Stream>, upTo limit: Int) -> Int {
        var scratch = [CChar](repeating: 0, count: 65536)
        var total = 0
        while total <= limit {
            let n = scratch.withUnsafeMutableBufferPointer { FCGX_GetStr($0.baseAddress, 65536, stream) }
            if n <= 0 { break }
            total += Int(n)
        }
        return total
    }
}
