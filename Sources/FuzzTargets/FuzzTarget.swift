import CFastCGI
import FastCGI
import ReeldeskWeb
import ReeldeskWorker
import WebCore

/// The parsers that take bytes from people, nginx or the upstream, each as one entry point that a
/// fuzzer (`make fuzz`) and the unit tests (every corpus file, every saved crash) both call.
/// A run must return for every input; the `check`s are properties that hold for any input, so a
/// wrong answer crashes like a trap does and the fuzzer keeps it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case query, urlencoded, multipart, cookies, fastcgiParams = "fastcgi-params", imageProbe = "image-probe", upstreamJSON = "upstream-json"

    public func run(_ data: [UInt8]) {
        switch self {
        case .query: Self.query(data)
        case .urlencoded: Self.urlencoded(data)
        case .multipart: Self.multipart(data)
        case .cookies: Self.cookies(data)
        case .fastcgiParams: Self.fastcgiParams(data)
        case .imageProbe: Self.imageProbe(data)
        case .upstreamJSON: Self.upstreamJSON(data)
        }
    }

    package static func check(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
        if !condition() { fatalError("fuzz property broken: \(what())") }
    }

    /// A query string as a request carries it, read the way handlers read it.
    package static func query(_ data: [UInt8]) {
        let request = Request(method: .get, path: "/tasks", query: String(decoding: data, as: UTF8.self))
        let items = request.queryItems
        check(items.fields.count <= FormLimits.query.maxFields, "more query fields than the limit")
        _ = items["before"].flatMap { Int64($0) }
    }

    /// A urlencoded body: within its limits, and every decoded field survives encode → decode.
    package static func urlencoded(_ data: [UInt8]) {
        let limits = FormLimits(maxFields: 16, maxFieldBytes: 256, maxFileBytes: 0, maxParts: 0)
        guard let form = try? URLEncodedForm.decode(data, limits: limits) else { return }
        check(form.fields.count <= limits.maxFields, "more fields than the limit")
        for field in form.fields {
            let encoded = URLEncodedForm.encode(field.name) + "=" + URLEncodedForm.encode(field.value)
            let again = try? URLEncodedForm.decode(Array(encoded.utf8), limits: FormLimits())
            check(again?.fields.first?.name == field.name && again?.fields.first?.value == field.value, "encode → decode changed a field")
        }
    }

    /// The first line is the Content-Type header, the rest the body.
    package static func multipart(_ data: [UInt8]) {
        let split = data.firstIndex(of: 0x0a) ?? data.endIndex
        let contentType = String(decoding: data[..<split], as: UTF8.self)
        let body = Array(data[min(split + 1, data.endIndex)...])
        let limits = FormLimits(maxFields: 8, maxFieldBytes: 512, maxFileBytes: 2048, maxParts: 8)
        guard let form = try? Multipart.decode(body, boundary: Multipart.boundary(fromContentType: contentType), limits: limits) else { return }
        check(form.fields.count + form.files.count <= limits.maxParts, "more parts than the limit")
        check(form.files.allSatisfy { $0.bytes.count <= limits.maxFileBytes }, "a file over the limit")
        check(form.fields.allSatisfy { $0.value.utf8.count <= limits.maxFieldBytes }, "a field over the limit")
    }

    /// A Cookie header: names are trimmed, non-empty and never carry the separator.
    package static func cookies(_ data: [UInt8]) {
        let parsed = Cookies.parse(String(decoding: data, as: UTF8.self))
        for (name, value) in parsed {
            check(!name.isEmpty && !name.contains(";") && !value.contains(";"), "a cookie spans a separator")
        }
    }

    /// FastCGI PARAMS content (name-value pairs with 1- or 4-byte lengths, as nginx sends them),
    /// turned into the `NAME=value` block libfcgi hands over, then read like a request.
    package static func fastcgiParams(_ data: [UInt8]) {
        var entries: [[CChar]] = []
        var i = 0
        func length() -> Int? {
            guard i < data.count else { return nil }
            if data[i] & 0x80 == 0 { i += 1; return Int(data[i - 1]) }
            guard i + 4 <= data.count else { return nil }
            let n = Int(data[i] & 0x7f) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3])
            i += 4
            return n
        }
        while let n = length(), let v = length(), n <= data.count - i, v <= data.count - i - n {
            // libfcgi copies bytes up to a NUL; the C string ends there too.
            let entry = data[i..<(i + n)] + [UInt8(ascii: "=")] + data[(i + n)..<(i + n + v)]
            entries.append(entry.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0])
            i += n + v
        }
        var pointers: [UnsafeMutablePointer<CChar>?] = entries.map { e in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: e.count)
            p.initialize(from: e, count: e.count)
            return p
        }
        pointers.append(nil)
        defer { pointers.forEach { $0?.deallocate() } }
        let pairs = pointers.withUnsafeMutableBufferPointer { RequestReader.pairs($0.baseAddress) }
        guard let params = try? CGIParameters.parse(pairs) else { return }
        check(params.contentLength >= 0 && params.contentLength <= CGIParameters.maxDeclaredLength, "a declared length out of range")
        check(!params.path.utf8.contains { $0 < 0x20 && $0 != 0x09 }, "a control character in the path")
        let request = Request(method: params.method, path: params.path, query: params.query, headers: params.headers, body: [],
                              remoteAddress: params.remoteAddress, requestID: params.requestID)
        _ = Router.match(request.method, request.path)
        _ = request.queryItems
        _ = Cookies.parse(request.headers["Cookie"] ?? "")
    }

    /// An upload's header: a size, when there is one, is positive and no larger than the probe allows.
    package static func imageProbe(_ data: [UInt8]) {
        guard let info = ImageProbe.probe(data) else { return }
        check(info.width > 0 && info.height > 0, "a probed image with a zero or negative side")
    }

    /// A submit or status answer (or a `Retry-After` value): decoded or refused, a progress is
    /// always 0–100, a wait always 0–300 s, and every error still makes its sentence.
    package static func upstreamJSON(_ data: [UInt8]) {
        if let after = UpstreamDecoding.retryAfter(String(decoding: data.prefix(64), as: UTF8.self)) {
            check((0...300).contains(after), "a Retry-After outside 0–300 s")
            _ = UpstreamError.rateLimited(retryAfter: after).description
        }
        _ = try? UpstreamDecoding.submittedTaskID(data)
        _ = UpstreamDecoding.errorMessage(data)
        if let status = try? UpstreamDecoding.status(data) {
            check(status.progress.map { (0...100).contains($0) } ?? true, "progress outside 0–100")
            check(status.videoURLs.allSatisfy { $0.hasPrefix("http://") || $0.hasPrefix("https://") }, "a video URL that is not http(s)")
        }
    }
}
