/// `multipart/form-data` decoding (RFC 7578) with limits. Pure: bytes in, `FormData` out.
public enum Multipart {
    /// Extracts the boundary from a Content-Type header value, or nil.
    public static func boundary(fromContentType contentType: String) -> String? {
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces().lowercased() == "boundary" else { continue }
            var value = kv[1].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1..70 characters.
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// Decodes a body. Parts without a `name` are skipped; a part with a `filename` parameter is
    /// a file (even when empty), every other part a UTF-8 text field.
    public static func decode(_ body: [UInt8], boundary: String?, limits: FormLimits = FormLimits()) throws(FormDecodingError) -> FormData {
        guard let boundary, !boundary.isEmpty else { throw .missingBoundary }
        let dash = Array("--\(boundary)".utf8)
        let delimiter = [13, 10] + dash
        var form = FormData()

        // The first delimiter may come at the very start (no preamble) or after a CRLF.
        guard var cursor = firstDelimiterEnd(body, dash: dash) else { throw .malformedMultipart("no opening boundary") }
        var parts = 0
        while true {
            // After a delimiter: "--" closes the body, CRLF starts a part.
            if hasPrefix(body, at: cursor, [45, 45]) { return form }
            guard hasPrefix(body, at: cursor, [13, 10]) else { throw .malformedMultipart("junk after boundary") }
            cursor += 2
            parts += 1
            if parts > limits.maxParts { throw .tooManyParts(limit: limits.maxParts) }
            // A part with no headers at all has its blank line right here.
            let headerEnd: Int
            if hasPrefix(body, at: cursor, [13, 10]) {
                headerEnd = cursor - 2
            } else if let end = find([13, 10, 13, 10], in: body, from: cursor) {
                headerEnd = end
            } else {
                throw .malformedMultipart("part headers not terminated")
            }
            let headerBytes = headerEnd >= cursor ? Array(body[cursor..<headerEnd]) : []
            let contentStart = headerEnd + 4
            guard contentStart <= body.count, let contentEnd = find(delimiter, in: body, from: contentStart) else {
                throw .malformedMultipart("part not terminated (truncated body?)")
            }
            let headers = try parseHeaders(headerBytes)
            let content = body[contentStart..<contentEnd]
            try add(part: headers, content: content, to: &form, limits: limits)
            cursor = contentEnd + delimiter.count
        }
    }

    struct PartHeaders {
        var name: String?
        var filename: String?
        var contentType = "application/octet-stream"
    }

    static func add(part: PartHeaders, content: ArraySlice<UInt8>, to form: inout FormData, limits: FormLimits) throws(FormDecodingError) {
        guard let name = part.name else { return }
        if let filename = part.filename {
            if content.count > limits.maxFileBytes { throw .fileTooLarge(name: name, limit: limits.maxFileBytes) }
            form.append(file: UploadedFile(fieldName: name, filename: filename, contentType: part.contentType, bytes: Array(content)))
        } else {
            if form.fields.count >= limits.maxFields { throw .tooManyFields(limit: limits.maxFields) }
            if content.count > limits.maxFieldBytes { throw .fieldTooLarge(name: name, limit: limits.maxFieldBytes) }
            guard let value = String(validating: content, as: UTF8.self) else { throw .notUTF8(name: name) }
            form.append(name, value)
        }
    }

    static func parseHeaders(_ bytes: [UInt8]) throws(FormDecodingError) -> PartHeaders {
        guard bytes.count <= 8192 else { throw .malformedMultipart("part headers too long") }
        var headers = PartHeaders()
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedMultipart("bad part header") }
            let name = line[..<colon].trimmingSpaces().lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            switch name {
            case "content-disposition":
                let params = dispositionParameters(value)
                headers.name = params["name"]
                headers.filename = params["filename"]
            case "content-type":
                headers.contentType = value
            default:
                continue
            }
        }
        return headers
    }

    /// Parses `form-data; name="a"; filename="b c.png"`, honouring quotes and `\"` escapes.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var chars = Substring(value)
        // Skip the disposition type.
        if let semi = chars.firstIndex(of: ";") { chars = chars[chars.index(after: semi)...] } else { return result }
        while !chars.isEmpty {
            chars = chars.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            guard let eq = chars.firstIndex(of: "=") else { break }
            let key = chars[..<eq].trimmingSpaces().lowercased()
            chars = chars[chars.index(after: eq)...]
            var val = ""
            if chars.first == "\"" {
                chars = chars.dropFirst()
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "\\", let next = chars.first { val.append(next); chars = chars.dropFirst(); continue }
                    if c == "\"" { break }
                    val.append(c)
                }
            } else {
                let end = chars.firstIndex(of: ";") ?? chars.endIndex
                val = chars[..<end].trimmingSpaces()
                chars = chars[end...]
            }
            if result[key] == nil { result[key] = val }
        }
        return result
    }

    static func firstDelimiterEnd(_ body: [UInt8], dash: [UInt8]) -> Int? {
        if hasPrefix(body, at: 0, dash) { return dash.count }
        return find([13, 10] + dash, in: body, from: 0).map { $0 + 2 + dash.count }
    }

    static func hasPrefix(_ body: [UInt8], at offset: Int, _ prefix: [UInt8]) -> Bool {
        guard offset >= 0, offset + prefix.count <= body.count else { return false }
        for i in 0..<prefix.count where body[offset + i] != prefix[i] { return false }
        return true
    }

    /// Index of the first occurrence of `needle` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        let last = haystack.count - needle.count
        var i = from
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            while i <= last {
                if hay[i] == first {
                    var j = 1
                    while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                    if j == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
