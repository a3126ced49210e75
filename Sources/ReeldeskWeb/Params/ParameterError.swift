import WebCore

/// A query parameter whose value is not what the route declares (an unknown status, a
/// malformed id or day). Typed parameters are read at the edge and refuse such a value: a bad
/// `?status=` or `?task=` is a 400 naming the parameter, never a filter silently dropped.
package struct ParameterError: Error, Equatable, Sendable {
    package let name: String
    package let message: String

    package init(name: String, message: String) {
        self.name = name
        self.message = message
    }

    /// "The parameter status must be one of …" (for pages and the JSON API alike).
    package var sentence: String { "The parameter \(name) \(message)." }
}

/// Every bad parameter of one request, in the order they were read.
package struct ParameterErrors: Error, Equatable, Sendable {
    package let errors: [ParameterError]

    package init(_ errors: [ParameterError]) { self.errors = errors }

    package var httpError: HTTPError { HTTPError(.badRequest, errors.map(\.sentence).joined(separator: " ")) }
}
