import Foundation
import Hashing
import ReeldeskStore
import WebCore

/// The JSON API for scripts and other tools (described in templates/api/openapi.json.mustache).
/// The same rules as the pages: what a viewer may not see is 404, roles are checked by route,
/// new tasks go through `TaskHandlers.submit` (the form's validation, budgets and audit).
/// Signed in by a personal token (`Authorization: Bearer rdk_…`) or, from a browser, by the
/// session with the page's form token in `X-CSRF-Token` for writes.
package struct APIHandlers {
    package let context: AppContext
    package let store: TaskStore
    package let tasks: TaskHandlers

    package static let defaultLimit = 50
    package static let maxLimit = 100

    /// GET /api/tasks?q=…&status=…&before=ID&limit=N: newest first, the history's filters.
    package func list(_ request: RequestContext) throws -> Response {
        let query = try HistoryQuery.parse(request.queryItems, fromPage: false)
        let (filter, before, after, limit) = (query.filter, query.before, query.after, query.limit)
        let visible = store.visible(to: request.viewer)
        let history = try HistoryPage.load(visible, filter: filter, before: before, after: after, size: limit)
        let page = history.keys
        let byID = Dictionary(uniqueKeysWithValues: try visible.tasks(page.map(\.id)).map { ($0.id, $0) })
        // `next` continues in the order asked for: towards older tasks, or newer with sort=oldest.
        let cursor = filter.oldestFirst ? history.newerAfter.map { "after=\($0)" } : history.olderBefore.map { "before=\($0)" }
        let next = cursor.map { Route.apiTaskList.path + "?" + ([filter.query, "limit=\(limit)", $0].filter { !$0.isEmpty }.joined(separator: "&")) }
        return try Self.json(TaskListJSON(tasks: page.compactMap { byID[$0.id] }.map(TaskJSON.init), next: next))
    }

    /// GET /api/tasks/{id}.
    package func show(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.visible(to: request.viewer).find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        return try Self.json(TaskJSON(t))
    }

    /// POST /api/tasks: JSON (or a form, for uploads). 201 with the task; 422 with every field's
    /// problem; 409 over a budget or the in-flight cap.
    package func create(_ request: RequestContext) throws -> Response {
        try checkOrigin(request)
        let form: FormData
        if request.mediaType == "application/json" {
            do {
                form = try Self.form(fromJSON: request.body)
            } catch let rejected as JSONFieldErrors {
                // Every problem at once: the fields of the wrong type, and what the form's rules
                // say about the others.
                var errors = rejected.errors
                if case .failure(let more) = NewTaskForm.validate(rejected.form) {
                    errors += more.errors.filter { e in !errors.contains { $0.field == e.field } }
                }
                return try Self.json(APIErrorBody(error: .init(status: 422, message: "The task was not stored: see fields.",
                                                               fields: errors.map { .init(field: $0.field, message: $0.message) })),
                                     status: .unprocessableContent)
            }
        } else {
            form = try FormBody.decode(request.request, limits: NewTaskForm.limits)
        }
        if !request.viewer.byToken {
            // A browser session is an ambient credential: a write needs the page's form token.
            let token = request.headers["X-CSRF-Token"] ?? ""
            guard SHA256.constantTimeEquals(context.csrf.token(forNonce: request.csrfNonce), token) else {
                throw HTTPError(.forbidden, "Send the page's form token in X-CSRF-Token, or use an API token.")
            }
        }
        switch try tasks.submit(form, request: request) {
        case .created(let made):
            // Variations are the first task's children (lineage "variation").
            let t = made[0]
            var r = try Self.json(TaskJSON(t), status: .created)
            r.headers.set("Location", Route.apiTask(id: t.id).path)
            return r
        case .repeated(let t):
            return try Self.json(TaskJSON(t))
        case .rejected(let errors, let status):
            return try Self.json(APIErrorBody(error: .init(status: status.code, message: status.code == 409
                ? "The task was not stored: a budget or the in-flight limit." : "The task was not stored: see fields.",
                fields: errors.map { .init(field: $0.field, message: $0.message) })), status: status)
        }
    }

    /// GET /api/openapi.json.
    package func description() throws -> Response {
        var r = Response.json(Array(try context.views.render("api/openapi.json").utf8))
        r.headers.set("Cache-Control", "no-cache")
        return r
    }

    /// Another site's page may not use a visitor's session to write.
    private func checkOrigin(_ request: RequestContext) throws {
        guard !request.viewer.byToken, let origin = request.headers["Origin"] else { return }
        guard context.csrf.isOwnOrigin(origin, host: request.headers["Host"]) else {
            throw HTTPError(.forbidden, "This request was sent from another site (\(origin.prefix(100))).")
        }
    }

    /// The JSON fields of a new task and the one type each takes (the description's `NewTask`).
    package static let newTaskFields: [String: JSONFieldType] = [
        "prompt": .string, "model": .string, "duration": .integer, "aspect_ratio": .string, "resolution": .string,
        "seed": .integer, "audio": .boolean, "camera_fixed": .boolean, "first_frame_url": .string, "last_frame_url": .string,
        "visibility": .string, "remix_of": .integer, "submission_token": .string, "variations": .integer, "vary": .string,
    ]

    /// A JSON object as the form's fields: strings and integers as text, `true` as the form's
    /// checked box (`camera_fixed` is the form's `camerafixed`). Every field the description
    /// does not name, and every value of another type than it declares (null included), is
    /// refused with its name (422): a typo never passes silently, whatever its value.
    package static func form(fromJSON body: [UInt8]) throws -> FormData {
        guard body.count <= 256 * 1024 else { throw HTTPError(.payloadTooLarge, "The JSON body is over 256 KB.") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw HTTPError(.badRequest, "The body must be a JSON object.")
        }
        var form = FormData()
        var errors: [FieldError] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let field = String(key.prefix(64))
            guard let type = newTaskFields[key] else {
                errors.append(FieldError(field: field, message: "is not a field of a new task"))
                continue
            }
            guard let text = type.text(of: value) else {
                errors.append(FieldError(field: field, message: "must be \(type.description)"))
                continue
            }
            if let text { form.append(key == "camera_fixed" ? "camerafixed" : key, text) }
        }
        if !errors.isEmpty { throw JSONFieldErrors(errors: errors, form: form) }
        return form
    }

    package static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        var r = Response.json(try SnakeCaseJSON.encode(value), status: status)
        r.headers.set("Cache-Control", "no-store")
        r.headers.set("X-Content-Type-Options", "nosniff")
        return r
    }
}

/// The fields of a JSON body that are not what the description declares.
package struct JSONFieldErrors: Error {
    package let errors: [FieldError]
    /// The fields that were of the right type.
    package let form: FormData
}

/// The one JSON type a field of the API takes.
package enum JSONFieldType: CustomStringConvertible {
    case string, integer, boolean

    package var description: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "true or false"
        }
    }

    /// The form's text for `value`: `.some(nil)` for false (an unchecked box), nil when the
    /// value is not of this type.
    package func text(of value: Any) -> String?? {
        // JSON's true/false come as NSNumber with the char type code; numbers never do.
        let number = value as? NSNumber
        let isBool = number.map { String(cString: $0.objCType) == "c" } ?? false
        switch self {
        case .string:
            return (value as? String).map { .some($0) }
        case .boolean:
            guard let number, isBool else { return nil }
            return .some(number.boolValue ? "on" : nil)
        case .integer:
            guard let number, !isBool else { return nil }
            let d = number.doubleValue
            guard d.rounded() == d, let n = Int64(exactly: d) ?? Int64(number.stringValue) else { return nil }
            return .some(String(n))
        }
    }
}
