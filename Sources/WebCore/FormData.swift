/// Decoded form input: text fields (in order, duplicates kept) and uploaded files.
public struct FormData: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []
    public private(set) var files: [UploadedFile] = []

    public init() {}

    public mutating func append(_ name: String, _ value: String) { fields.append((name, value)) }
    public mutating func append(file: UploadedFile) { files.append(file) }

    /// The first value of a text field.
    public subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// All values of a text field, in order.
    public func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// The first uploaded file of a field that actually carries bytes or a filename (browsers
    /// send an empty part for an untouched file input).
    public func file(_ name: String) -> UploadedFile? {
        files.first { $0.fieldName == name && !($0.filename.isEmpty && $0.bytes.isEmpty) }
    }
}

/// One file from a `multipart/form-data` body.
public struct UploadedFile: Sendable, Equatable {
    public let fieldName: String
    public let filename: String
    public let contentType: String
    public let bytes: [UInt8]

    public init(fieldName: String, filename: String, contentType: String, bytes: [UInt8]) {
        self.fieldName = fieldName
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// Limits applied while decoding untrusted form input.
public struct FormLimits: Sendable {
    public var maxFields: Int
    public var maxFieldBytes: Int
    public var maxFileBytes: Int
    public var maxParts: Int

    public init(maxFields: Int = 64, maxFieldBytes: Int = 64 * 1024, maxFileBytes: Int = 30 * 1024 * 1024, maxParts: Int = 64) {
        self.maxFields = maxFields
        self.maxFieldBytes = maxFieldBytes
        self.maxFileBytes = maxFileBytes
        self.maxParts = maxParts
    }

    /// Defaults for query strings.
    public static let query = FormLimits(maxFields: 32, maxFieldBytes: 4096, maxFileBytes: 0, maxParts: 0)
}

/// Why a body could not be decoded. Each maps to 400, or 413 for size limits.
public enum FormDecodingError: Error, Equatable, Sendable {
    case tooManyFields(limit: Int)
    case fieldTooLarge(name: String, limit: Int)
    case fileTooLarge(name: String, limit: Int)
    case tooManyParts(limit: Int)
    case notUTF8(name: String)
    case missingBoundary
    case malformedMultipart(String)

    /// The HTTP error a handler should answer with.
    public var httpError: HTTPError {
        switch self {
        case .fileTooLarge(let name, let limit):
            HTTPError(.payloadTooLarge, "The file for “\(name)” is larger than \(limit / (1024 * 1024)) MB.")
        case .fieldTooLarge(let name, let limit):
            HTTPError(.payloadTooLarge, "The field “\(name)” is longer than \(limit) bytes.")
        case .tooManyFields, .tooManyParts:
            HTTPError(.badRequest, "The form has too many fields.")
        case .notUTF8(let name):
            HTTPError(.badRequest, "The field “\(name)” is not valid UTF-8 text.")
        case .missingBoundary, .malformedMultipart:
            HTTPError(.badRequest, "The form upload was malformed; please submit it again.")
        }
    }
}
