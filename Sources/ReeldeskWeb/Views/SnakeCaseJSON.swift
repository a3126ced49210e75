import Foundation

/// The JSON Reeldesk writes for browsers, scripts and webhooks: snake_case keys, sorted, and
/// slashes left alone (`/tasks/1`, not `\/tasks\/1`).
package enum SnakeCaseJSON {
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
