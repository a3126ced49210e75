/// An ordered list of header fields with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// Appends a field; header injection is impossible because CR and LF are stripped.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: Self.clean(name), value: Self.clean(value)))
    }

    /// Replaces every field called `name` by one with `value`.
    public mutating func set(_ name: String, _ value: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
        add(name, value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    private static func clean(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { return s }
        return String(s.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }
}
