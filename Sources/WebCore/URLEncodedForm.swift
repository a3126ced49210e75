/// `application/x-www-form-urlencoded` decoding (WHATWG URL §5.1), also used for query strings.
public enum URLEncodedForm {
    /// Decodes `a=1&b=x+y`. `+` is a space; a bad `%` escape is kept literally (as browsers do);
    /// a pair without `=` is a field with an empty value; empty pairs are skipped.
    /// Throws on limits and on text that is not UTF-8 after decoding.
    public static func decode(_ bytes: [UInt8], limits: FormLimits = FormLimits()) throws(FormDecodingError) -> FormData {
        var form = FormData()
        var count = 0
        var start = 0
        // One pair at a time, so limits stop a hostile body before it costs memory.
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            defer { start = end + 1 }
            if end == start { continue }
            count += 1
            if count > limits.maxFields { throw .tooManyFields(limit: limits.maxFields) }
            try decodePair(bytes[start..<end], into: &form, limits: limits)
        }
        return form
    }

    static let maxNameBytes = 1024

    private static func decodePair(_ pair: ArraySlice<UInt8>, into form: inout FormData, limits: FormLimits) throws(FormDecodingError) {
        let eq = pair.firstIndex(of: UInt8(ascii: "="))
        let rawName = eq.map { pair[pair.startIndex..<$0] } ?? pair[...]
        let rawValue = eq.map { pair[pair.index(after: $0)...] } ?? []
        // Limits count decoded bytes, like a value's: 400 percent-encoded bytes are one 400-byte name.
        if rawName.count > maxNameBytes * 3 { throw .fieldTooLarge(name: "?", limit: maxNameBytes) }
        let nameBytes = percentDecode(rawName, plusIsSpace: true)
        if nameBytes.count > maxNameBytes { throw .fieldTooLarge(name: "?", limit: maxNameBytes) }
        guard let name = String(validating: nameBytes, as: UTF8.self) else { throw .notUTF8(name: "?") }
        if rawValue.count > limits.maxFieldBytes * 3 { throw .fieldTooLarge(name: name, limit: limits.maxFieldBytes) }
        let valueBytes = percentDecode(rawValue, plusIsSpace: true)
        if valueBytes.count > limits.maxFieldBytes { throw .fieldTooLarge(name: name, limit: limits.maxFieldBytes) }
        guard let value = String(validating: valueBytes, as: UTF8.self) else { throw .notUTF8(name: name) }
        form.append(name, value)
    }

    /// Percent-decodes bytes; invalid escapes stay as they are.
    public static func percentDecode<C: Collection>(_ input: C, plusIsSpace: Bool) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = input.startIndex
        while i != input.endIndex {
            let b = input[i]
            if b == UInt8(ascii: "%"),
               let h1i = input.index(i, offsetBy: 1, limitedBy: input.endIndex), h1i != input.endIndex,
               let h2i = input.index(i, offsetBy: 2, limitedBy: input.endIndex), h2i != input.endIndex,
               let hi = hexValue(input[h1i]), let lo = hexValue(input[h2i]) {
                out.append(hi << 4 | lo)
                i = input.index(after: h2i)
                continue
            }
            out.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
            i = input.index(after: i)
        }
        return out
    }

    /// Percent-encodes a string for use in a query value.
    public static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
