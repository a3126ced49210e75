import CFastCGI
import WebCore

/// Writes CGI-style responses (`Status:` line, headers, blank line, body) to an FCGX stream.
enum ResponseWriter {
    /// Writes the head of a response. Returns false when the peer is gone.
    @discardableResult
    static func writeHead(_ status: HTTPStatus, _ headers: HTTPHeaders, contentLength: Int?, to out: UnsafeMutablePointer<FCGX_Stream>) -> Bool {
        var head = "Status: \(status.code) \(status.reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if headers["X-Content-Type-Options"] == nil { head += "X-Content-Type-Options: nosniff\r\n" }
        if let contentLength, headers["Content-Length"] == nil { head += "Content-Length: \(contentLength)\r\n" }
        head += "\r\n"
        return write(Array(head.utf8), to: out)
    }

    /// Writes the whole response; a HEAD request gets the head only.
    static func write(_ response: Response, bytes: [UInt8], headOnly: Bool, to out: UnsafeMutablePointer<FCGX_Stream>) {
        guard writeHead(response.status, response.headers, contentLength: bytes.count, to: out) else { return }
        if !headOnly { write(bytes, to: out) }
    }

    /// Writes bytes; false on error (the peer went away or the write timed out).
    @discardableResult
    static func write(_ bytes: [UInt8], to out: UnsafeMutablePointer<FCGX_Stream>) -> Bool {
        guard !bytes.isEmpty else { return true }
        let n = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { FCGX_PutStr($0.baseAddress, Int32($0.count), out) }
        }
        return n == Int32(bytes.count)
    }

    /// Pushes buffered output to nginx now; false on error.
    static func flush(_ out: UnsafeMutablePointer<FCGX_Stream>) -> Bool {
        FCGX_FFlush(out) == 0 && FCGX_GetError(out) == 0
    }
}
