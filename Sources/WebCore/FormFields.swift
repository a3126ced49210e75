/// Declared form fields (kcgi style): each field has a name and a validator; validation yields
/// typed values or a list of field errors, never a half-valid mix.

/// One problem with one field, shown next to its input.
public struct FieldError: Sendable, Equatable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Collects typed values and errors while a form is validated.
public struct FormValidator {
    public let form: FormData
    public private(set) var errors: [FieldError] = []

    public init(_ form: FormData) { self.form = form }

    /// Records an error for `field`.
    public mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    /// Runs `rule` on the field's raw text (nil when absent) and records its error.
    public mutating func value<T>(_ field: String, _ rule: FieldRule<T>) -> T? {
        switch rule.validate(form[field]) {
        case .success(let v): return v
        case .failure(let e):
            fail(field, e.message)
            return nil
        }
    }
}

/// A validator for one text field: raw text (nil when the field was not sent) in, a typed value out.
public struct FieldRule<T>: Sendable {
    public typealias Failure = FieldFailure
    public let validate: @Sendable (String?) -> Result<T, FieldFailure>

    public init(_ validate: @escaping @Sendable (String?) -> Result<T, FieldFailure>) { self.validate = validate }
}

/// Why a field's value was rejected, in words for the person who typed it.
public struct FieldFailure: Error, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
}

extension FieldRule where T == String {
    /// Required text, trimmed of surrounding whitespace, between `min` and `max` characters.
    public static func text(required: Bool, max: Int, label: String) -> FieldRule<String> {
        FieldRule { raw in
            if let raw, raw.hasForbiddenControlCharacter {
                return .failure(.init(message: "\(label) contains a control character (such as NUL or ESC); only letters, line breaks and tabs are allowed."))
            }
            // Browsers send CRLF line breaks from a textarea; store one kind.
            let trimmed = (raw ?? "").replacingCRLF().trimmingWhitespace()
            if trimmed.isEmpty && required { return .failure(.init(message: "\(label) is required.")) }
            if trimmed.count > max { return .failure(.init(message: "\(label) must be at most \(max) characters (it has \(trimmed.count)).")) }
            return .success(trimmed)
        }
    }

    /// One of a fixed list of values; absent or empty gives `defaultValue`.
    public static func choice(_ allowed: [String], defaultValue: String, label: String) -> FieldRule<String> {
        FieldRule { raw in
            let v = (raw ?? "").trimmingWhitespace()
            if v.isEmpty { return .success(defaultValue) }
            if allowed.contains(v) { return .success(v) }
            return .failure(.init(message: "\(label) must be one of \(allowed.joined(separator: ", "))."))
        }
    }
}

extension FieldRule where T == Int64 {
    /// An integer in `range`; absent or empty gives `defaultValue`.
    public static func integer(_ range: ClosedRange<Int64>, defaultValue: Int64, label: String) -> FieldRule<Int64> {
        FieldRule { raw in
            let v = (raw ?? "").trimmingWhitespace()
            if v.isEmpty { return .success(defaultValue) }
            guard let n = Int64(v), range.contains(n) else {
                return .failure(.init(message: "\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound)."))
            }
            return .success(n)
        }
    }
}

extension FieldRule where T == Int64? {
    /// An optional positive id (absent or empty: nil).
    public static var optionalID: FieldRule<Int64?> {
        FieldRule { raw in
            let v = (raw ?? "").trimmingWhitespace()
            if v.isEmpty { return .success(nil) }
            guard let n = Int64(v), n > 0 else { return .failure(.init(message: "must be a task number.")) }
            return .success(n)
        }
    }
}

extension FieldRule where T == Bool {
    /// A checkbox: present with `on`, `true`, `1` or `yes` is true; absent is false.
    public static var checkbox: FieldRule<Bool> {
        FieldRule { raw in
            guard let v = raw?.trimmingWhitespace().lowercased(), !v.isEmpty else { return .success(false) }
            switch v {
            case "on", "true", "1", "yes": return .success(true)
            case "off", "false", "0", "no": return .success(false)
            default: return .failure(.init(message: "must be checked or unchecked."))
            }
        }
    }
}

extension String {
    /// True when the text holds a C0 control other than tab, LF and CR, DEL, or a C1 control:
    /// invisible, they truncate C strings (NUL) and drive terminals (ESC).
    public var hasForbiddenControlCharacter: Bool {
        // On the UTF-8 bytes (every page's strings pass here): C0 and DEL are single bytes, a C1
        // control is 0xC2 followed by 0x80...0x9F; no other sequence holds those bytes.
        var previousC2 = false
        for b in utf8 {
            if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F || (previousC2 && b >= 0x80 && b <= 0x9F) { return true }
            previousC2 = b == 0xC2
        }
        return false
    }

    /// The text with each control `hasForbiddenControlCharacter` names replaced by U+FFFD: an
    /// HTML page may not hold them (U+0000 above all), whatever a query string carried.
    public var replacingForbiddenControls: String {
        guard hasForbiddenControlCharacter else { return self }
        var out = String.UnicodeScalarView()
        for u in unicodeScalars {
            let forbidden = (u.value < 0x20 && u != "\t" && u != "\n" && u != "\r") || (0x7f...0x9f).contains(u.value)
            out.append(forbidden ? "\u{FFFD}" : u)
        }
        return String(out)
    }

    /// CRLF and lone CR become LF.
    public func replacingCRLF() -> String {
        guard unicodeScalars.contains("\r") else { return self }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for u in unicodeScalars {
            if u == "\r" { out.append("\n"); previousCR = true; continue }
            if u == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            out.append(u)
        }
        return String(out)
    }

    /// Trims Unicode whitespace and newlines from both ends.
    public func trimmingWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
