import ReeldeskDomain
import ReeldeskStore
import WebCore

/// The parameters of `GET /api/tasks`, checked against what the API's description declares:
/// a value that fails its enum, format or bounds is a 400 naming the parameter, never a filter
/// silently dropped (`?status=bogus` listing every task). Unknown parameters are ignored.
package struct APIListQuery {
    package var filter = TaskFilter()
    package var before: Int64?
    package var after: Int64?
    package var limit = APIHandlers.defaultLimit

    /// A parameter that is not what the description says.
    package struct Invalid: Error {
        package let name: String
        package let message: String
    }

    package static func parse(_ q: FormData) throws(Invalid) -> APIListQuery {
        var out = APIListQuery()
        var f = TaskFilter()
        if let text = q["q"] {
            // Counted as the description's maxLength counts: in code points.
            guard text.unicodeScalars.count <= TaskFilter.maxTextLength else { throw Invalid(name: "q", message: "at most \(TaskFilter.maxTextLength) characters") }
            f.text = text.trimmingCharacters(in: .whitespaces)
        }
        f.status = try q["status"].map { v throws(Invalid) in try oneOf("status", v, TaskStatus.init(rawValue:), TaskStatus.allCases.map(\.rawValue)) }
        f.resolution = try q["resolution"].map { v throws(Invalid) in try oneOf("resolution", v, Resolution.init(rawValue:), Resolution.allCases.map(\.rawValue)) }
        f.aspectRatio = try q["ratio"].map { v throws(Invalid) in try oneOf("ratio", v, AspectRatio.init(rawValue:), AspectRatio.allCases.map(\.rawValue)) }
        f.audio = try q["audio"].map { v throws(Invalid) in try oneOf("audio", v, { ["on": true, "off": false][$0] }, ["on", "off"]) }
        f.ownerID = try q["owner"].map { v throws(Invalid) in try integer("owner", v, minimum: 1) }
        f.from = try q["from"].map { v throws(Invalid) in try day("from", v) }
        f.to = try q["to"].map { v throws(Invalid) in try day("to", v) }
        if let tag = q["tag"] {
            guard !tag.isEmpty else { throw Invalid(name: "tag", message: "must not be empty") }
            // Tags are kept normalized; a value with nothing left after that matches no task.
            f.tag = TaskTags.parse(tag).first ?? tag
        }
        f.favourites = try q["fav"].map { v throws(Invalid) in try oneOf("fav", v, { $0 == "1" ? true : nil }, ["1"]) } ?? false
        f.family = try q["family"].map { v throws(Invalid) in try integer("family", v, minimum: 1) }
        f.allAttempts = try q["attempts"].map { v throws(Invalid) in try oneOf("attempts", v, { $0 == "all" ? true : nil }, ["all"]) } ?? false
        f.oldestFirst = try q["sort"].map { v throws(Invalid) in try oneOf("sort", v, { $0 == "oldest" ? true : nil }, ["oldest"]) } ?? false
        out.filter = f
        out.before = try q["before"].map { v throws(Invalid) in try integer("before", v, minimum: 1) }
        // Checked like any parameter; with `before` it is not used (the description says so).
        let after = try q["after"].map { v throws(Invalid) in try integer("after", v, minimum: 0) }
        out.after = out.before == nil ? after : nil
        out.limit = try q["limit"].map { v throws(Invalid) in Int(try integer("limit", v, minimum: 1, maximum: Int64(APIHandlers.maxLimit))) } ?? APIHandlers.defaultLimit
        return out
    }

    private static func oneOf<T>(_ name: String, _ value: String, _ make: (String) -> T?, _ allowed: [String]) throws(Invalid) -> T {
        guard let v = make(value) else { throw Invalid(name: name, message: "must be one of " + allowed.joined(separator: ", ")) }
        return v
    }

    private static func integer(_ name: String, _ value: String, minimum: Int64, maximum: Int64 = .max) throws(Invalid) -> Int64 {
        guard let n = Int64(value), n >= minimum, n <= maximum else {
            throw Invalid(name: name, message: maximum == .max ? "must be an integer of at least \(minimum)" : "must be an integer from \(minimum) to \(maximum)")
        }
        return n
    }

    private static func day(_ name: String, _ value: String) throws(Invalid) -> String {
        guard let d = TaskFilter.day(value) else { throw Invalid(name: name, message: "must be a day as YYYY-MM-DD") }
        return d
    }
}
