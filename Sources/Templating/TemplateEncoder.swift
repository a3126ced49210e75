/// Turns an `Encodable` view model into the value a template renders. Property names are used as
/// Swift spells them (`thumbURL`); the template's `thumb_url` is mapped to that when the template
/// is compiled (TemplateName), so nothing is converted per request. An optional that is `nil` is
/// `.absent`, so absent is absent.
public enum TemplateEncoder {
    public static func value(of model: some Encodable) throws -> TemplateValue {
        if let html = model as? RenderedHTML { return .html(html.markup) }
        return try ValueEncoder.encode(model, at: []) ?? .object([:])
    }
}

/// Where one encoded value ends up; containers write into it.
private final class Slot {
    var value: TemplateValue?
    var object: [String: TemplateValue] = [:]
    var list: [TemplateValue] = []
    enum Kind { case none, object, list }
    var kind = Kind.none

    func finish() {
        switch kind {
        case .object: value = .object(object)
        case .list: value = .list(list)
        case .none: break
        }
    }
}

private struct EncodingRefused: Error, CustomStringConvertible {
    let description: String
}

private final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let storage = Slot()

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        storage.kind = .object
        return KeyedEncodingContainer(KeyedContainer<Key>(slot: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        storage.kind = .list
        return ListContainer(slot: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(slot: storage, codingPath: codingPath) }

    /// The value of a nested model: scalars directly, anything else through its own encoder.
    static func encode(_ value: some Encodable, at path: [any CodingKey]) throws -> TemplateValue? {
        switch value {
        case let s as String: return .text(s)
        case let b as Bool: return .flag(b)
        case let n as Int: return .text(String(n))
        case let n as Int64: return .text(String(n))
        case let h as RenderedHTML: return .html(h.markup)
        default:
            let encoder = ValueEncoder(codingPath: path)
            try value.encode(to: encoder)
            encoder.storage.finish()
            return encoder.storage.value
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.object[key.stringValue] = .absent }
    // The synthesized `encode(to:)` calls these for optionals; their defaults would skip a nil.
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { slot.object[key.stringValue] = value.map(TemplateValue.text) ?? .absent }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { slot.object[key.stringValue] = value.map(TemplateValue.flag) ?? .absent }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { slot.object[key.stringValue] = .absent; return }
        try encode(value, forKey: key)
    }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.object[key.stringValue] = .text(value) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.object[key.stringValue] = .flag(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot.object[key.stringValue] = .text(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { slot.object[key.stringValue] = .text(String(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        throw EncodingRefused(description: "\(key.stringValue): a template gets numbers as formatted text, not Double")
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let v = try ValueEncoder.encode(value, at: codingPath + [key]) { slot.object[key.stringValue] = v }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        fatalError("view models nest other models, not containers")
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        fatalError("view models nest other models, not containers")
    }
    mutating func superEncoder() -> any Encoder { fatalError("view models do not inherit") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { fatalError("view models do not inherit") }
}

private struct ListContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int { slot.list.count }

    mutating func encodeNil() throws { slot.list.append(.absent) }
    mutating func encode(_ value: String) throws { slot.list.append(.text(value)) }
    mutating func encode(_ value: Bool) throws { slot.list.append(.flag(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if let v = try ValueEncoder.encode(value, at: codingPath) { slot.list.append(v) }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        fatalError("view models nest other models, not containers")
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("view models nest other models, not containers") }
    mutating func superEncoder() -> any Encoder { fatalError("view models do not inherit") }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.value = .absent }
    mutating func encode(_ value: String) throws { slot.value = .text(value) }
    mutating func encode(_ value: Bool) throws { slot.value = .flag(value) }
    mutating func encode(_ value: Int) throws { slot.value = .text(String(value)) }
    mutating func encode(_ value: Int64) throws { slot.value = .text(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { slot.value = try ValueEncoder.encode(value, at: codingPath) }
}
