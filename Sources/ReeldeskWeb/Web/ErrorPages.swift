import ReeldeskDomain
import SQLite
import WebCore

/// The one place that turns errors into error pages. Browsers see a short, useful message;
/// internals go to the log with the request id.
package struct ErrorPages {
    package let context: AppContext

    /// The page for `error` raised while handling `request`.
    package func response(for error: Error, request: Request, as ctx: RequestContext?) -> Response {
        let httpError = classify(error, request: request)
        if Self.answersInJSON(path: request.path) {
            // Bad parameters are named one by one, like a JSON body's bad fields.
            let fields = (error as? ParameterErrors)?.errors.map { APIErrorBody.Detail.Field(field: $0.name, message: $0.message) } ?? []
            return json(httpError, fields: fields)
        }
        return page(httpError, request: request, as: ctx)
    }

    /// Machine clients' addresses answer errors in JSON, never with a page (or its cookie): the
    /// API, and the event stream (an EventSource or a script reading it).
    package static func answersInJSON(path: String) -> Bool {
        path.hasPrefix("/api/") || path == "/api" || path == "/events" || path.hasPrefix("/events?")
    }

    /// The JSON API's errors: `{"error": {"status": 404, "message": "…", "fields": []}}`.
    package func json(_ e: HTTPError, fields: [APIErrorBody.Detail.Field] = []) -> Response {
        var response = (try? APIHandlers.json(APIErrorBody(error: .init(status: e.status.code, message: e.message, fields: fields)), status: e.status))
            ?? Response.json(Array("{\"error\":{\"status\":\(e.status.code)}}".utf8), status: e.status)
        if !e.allowed.isEmpty { response.headers.set("Allow", e.allowed.map(\.description).joined(separator: ", ")) }
        if e.status == .serviceUnavailable { response.headers.set("Retry-After", "5") }
        if e.status == .unauthorized { response.headers.set("WWW-Authenticate", "Bearer realm=\"reeldesk\"") }
        return response
    }

    /// Maps any error to the HTTP error shown; logs what the browser must not see.
    package func classify(_ error: Error, request: Request) -> HTTPError {
        switch error {
        case let e as HTTPError:
            if let detail = e.detail { context.logger.notice("\(e.message)", metadata: ["rid": "\(request.requestID)", "detail": "\(detail)"]) }
            return e
        case let e as FormDecodingError:
            return e.httpError
        case let r as Refusal:
            return r.httpError
        case let e as ParameterErrors:
            return e.httpError
        case let e as SQLiteError where e.isBusy:
            context.logger.warning("database busy", metadata: ["rid": "\(request.requestID)", "error": "\(e)"])
            return HTTPError(.serviceUnavailable, "The database is busy. Please try again in a moment.")
        default:
            context.logger.error("unhandled error", metadata: ["rid": "\(request.requestID)", "error": "\(error)"])
            return HTTPError(.internalServerError, "Something went wrong on our side. It has been logged as request \(request.requestID).")
        }
    }

    /// Renders the error page; falls back to plain text if even that fails.
    /// `ctx` is the request as the app understood it (who is signed in), if it got that far.
    package func page(_ e: HTTPError, request: Request, as ctx: RequestContext?) -> Response {
        let page = ErrorPageView(status: String(e.status.code), reason: e.status.reason, message: e.message, hint: Self.hint(for: e.status))
        var response: Response
        do {
            response = try PageRenderer(context: context).render("pages/error", title: e.status.reason, page, request: ctx ?? context.anonymousContext(request), status: e.status)
        } catch {
            context.logger.critical("error page failed", metadata: ["rid": "\(request.requestID)", "error": "\(error)"])
            var h = HTTPHeaders()
            h.add("Content-Type", "text/plain; charset=utf-8")
            response = Response(status: e.status, headers: h, body: .bytes(Array("\(e.status.code) \(e.status.reason): \(e.message)\n".utf8)))
        }
        if !e.allowed.isEmpty { response.headers.set("Allow", e.allowed.map(\.description).joined(separator: ", ")) }
        if e.status == .serviceUnavailable { response.headers.set("Retry-After", "5") }
        return response
    }

    /// What the person can do next, per status.
    package static func hint(for status: HTTPStatus) -> String {
        switch status.code {
        case 400: "The request could not be understood. Go back and try again."
        case 401: "Sign in, then try again."
        case 403: "Either the form expired (reload the page and send it again) or your role does not allow this (ask an admin)."
        case 404: "There is nothing at this address. It may have been mistyped or removed."
        case 405: "This address does not accept that kind of request."
        case 413: "The upload is too large. Use smaller images (under 30 MB each)."
        case 422: "Some fields need attention."
        case 429: "Too many attempts. Wait a minute, then try again."
        case 503: "Reeldesk is busy right now. Try again in a few seconds."
        default: "Try again; if it keeps happening, tell whoever runs Reeldesk."
        }
    }
}
