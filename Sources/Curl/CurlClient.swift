import CCurl
import Foundation

/// One HTTP exchange's result.
public struct HTTPResult: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header value by lowercased name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A transport failure (no HTTP status): DNS, connect, timeout, TLS, too large, write error.
public struct CurlError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Int
    public let message: String
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
    /// The body was larger than the caller allowed; retrying cannot help.
    public var isTooLarge: Bool { code == Int(CURLE_FILESIZE_EXCEEDED.rawValue) }
    /// A `publicOnly` transfer reached a loopback, private or link-local address; retrying cannot help.
    public var isRefusedAddress: Bool { code == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) }
    public var description: String { "transfer failed (\(code)): \(message)" }
}

/// Thin synchronous libcurl wrapper. One easy handle per call; safe to use from any thread
/// (NOSIGNAL set). Call `Curl.globalInit()` once in main before threads start.
public enum Curl {
    public static func globalInit() { _ = rd_global_init() }

    /// Whether a `publicOnly` transfer may connect to the numeric address `ip` (the socket
    /// callback's own test).
    public static func isPublicAddress(_ ip: String) -> Bool { rd_is_private_address(ip) == 0 }

    /// Performs a request and buffers the body (capped at `maxBytes`). With `publicOnly`, the
    /// connection must reach a public address (webhooks follow the image-URL rule).
    public static func request(method: String, url: String, headers: [String] = [], body: [UInt8]? = nil,
                               connectTimeoutMs: Int = 5000, timeoutMs: Int = 30000, maxBytes: Int = 8 << 20,
                               publicOnly: Bool = false) throws -> HTTPResult {
        let sink = Sink(maxBytes: maxBytes)
        return try perform(url: url, headers: headers, sink: sink, publicOnly: publicOnly) { h in
            _ = rd_setopt_string(h, CURLOPT_CUSTOMREQUEST, method)
            if let body {
                _ = rd_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                // COPYPOSTFIELDS: libcurl copies the bytes, so the Swift buffer may die after this call.
                var bytes = body
                bytes.append(0)
                _ = bytes.withUnsafeMutableBytes { rd_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
            _ = rd_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMs)
            _ = rd_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMs)
        }
    }

    /// Streams a GET to `path` (write to `path.part`, rename on success). Fails on HTTP errors,
    /// files over `maxBytes`, and transfers slower than 1 KB/s for `lowSpeedSeconds`. With
    /// `publicOnly`, every connection (redirects included) must reach a public address.
    public static func download(url: String, to path: String, maxBytes: Int64, publicOnly: Bool = false,
                                lowSpeedSeconds: Int = 30, connectTimeoutMs: Int = 10000) throws -> Int64 {
        let partPath = path + ".part"
        guard let file = fopen(partPath, "wb") else { throw CurlError(code: -1, message: "cannot write \(partPath)") }
        let sink = Sink(maxBytes: Int(maxBytes), file: file)
        do {
            let result = try perform(url: url, headers: [], sink: sink, publicOnly: publicOnly) { h in
                _ = rd_setopt_long(h, CURLOPT_FAILONERROR, 1)
                _ = rd_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
                _ = rd_setopt_long(h, CURLOPT_MAXREDIRS, 3)
                _ = rd_setopt_off(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBytes))
                _ = rd_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1024)
                _ = rd_setopt_long(h, CURLOPT_LOW_SPEED_TIME, lowSpeedSeconds)
                _ = rd_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMs)
            }
            fclose(file)
            guard result.status == 200 else { throw CurlError(code: -2, message: "HTTP \(result.status)") }
            guard rename(partPath, path) == 0 else { throw CurlError(code: -1, message: "cannot rename \(partPath)") }
            return Int64(sink.written)
        } catch {
            if sink.file != nil { fclose(file) }
            unlink(partPath)
            throw error
        }
    }

    /// The one error for every address a `publicOnly` transfer refuses, whatever listens there
    /// (an open port and a closed one answer alike: no port-scan oracle).
    public static let refusedAddress = CurlError(code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "refused: the address is not on the public internet")

    private static func perform(url: String, headers: [String], sink: Sink, publicOnly: Bool,
                                configure: (UnsafeMutableRawPointer) -> Void) throws -> HTTPResult {
        guard let h = curl_easy_init() else { throw CurlError(code: -1, message: "curl_easy_init failed") }
        // Every address libcurl would connect to (each one a name resolves to, each redirect
        // hop) is checked by its socket callback before a socket exists; one refused address
        // refuses the transfer. No proxy from the environment: behind one, the callback would
        // see only the proxy's address.
        let refused = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        refused.initialize(to: 0)
        defer { refused.deallocate() }
        if publicOnly {
            _ = rd_setopt_public_only(h, refused)
            _ = rd_setopt_string(h, CURLOPT_PROXY, "")
        }
        defer { curl_easy_cleanup(h) }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        _ = rd_setopt_string(h, CURLOPT_URL, url)
        _ = rd_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = rd_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = rd_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        _ = rd_setopt_pointer(h, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = rd_setopt_write(h, CURLOPT_WRITEFUNCTION, writeBody)
        _ = rd_setopt_pointer(h, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        _ = rd_setopt_write(h, CURLOPT_HEADERFUNCTION, writeHeader)
        configure(h)
        let rc = curl_easy_perform(h)
        if refused.pointee != 0 { throw refusedAddress }
        if sink.exceeded {
            throw CurlError(code: Int(CURLE_FILESIZE_EXCEEDED.rawValue), message: "response larger than \(sink.maxBytes) bytes")
        }
        if rc == CURLE_ABORTED_BY_CALLBACK { throw refusedAddress }
        if rc != CURLE_OK {
            throw CurlError(code: Int(rc.rawValue), message: String(cString: curl_easy_strerror(rc)))
        }
        var status = 0
        _ = rd_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResult(status: status, headers: sink.headers, body: sink.body)
    }
}

/// Receives body and header bytes from libcurl callbacks.
final class Sink {
    let maxBytes: Int
    var file: UnsafeMutablePointer<FILE>?
    var body: [UInt8] = []
    var written = 0
    var exceeded = false
    var headers: [String: String] = [:]

    init(maxBytes: Int, file: UnsafeMutablePointer<FILE>? = nil) {
        self.maxBytes = maxBytes
        self.file = file
    }
}

private let writeBody: rd_write_callback = { ptr, size, count, user in
    guard let ptr, let user else { return 0 }
    let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    if sink.written + n > sink.maxBytes {
        sink.exceeded = true
        return 0  // aborts the transfer
    }
    if let file = sink.file {
        guard fwrite(ptr, 1, n, file) == n else { return 0 }
    } else {
        sink.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    }
    sink.written += n
    return n
}

private let writeHeader: rd_write_callback = { ptr, size, count, user in
    guard let ptr, let user else { return 0 }
    let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") { sink.headers.removeAll() }  // a new response (redirect or 100)
    if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers[name] = value
    }
    return n
}
