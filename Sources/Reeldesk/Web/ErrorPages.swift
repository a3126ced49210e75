import SQLite
import WebCore

/// The one place that turns errors into error pages. Browsers see a short, useful message;
/// internals go to the log with the request id.
struct ErrorPages {
    let context: AppContext

    /// The page for `error` raised while handling `request`.
    func response(for error: Error, request: Request) -> Response {
        let httpError = classify(error, request: request)
        return page(httpError, request: request)
    }

    /// Maps any error to the HTTP error shown; logs what the browser must not see.
    func classify(_ error: Error, request: Request) -> HTTPError {
        switch error {
        case let e as HTTPError:
            if let detail = e.detail { context.logger.notice("\(e.message)", metadata: ["rid": "\(request.requestID)", "detail": "\(detail)"]) }
            return e
        case let e as FormDecodingError:
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
    func page(_ e: HTTPError, request: Request) -> Response {
        let page: [String: Any] = [
            "status": String(e.status.code), "reason": e.status.reason, "message": e.message,
            "hint": Self.hint(for: e.status), "show_request_id": true,
        ]
        var response: Response
        do {
            response = try PageRenderer(context: context).render("pages/error", title: e.status.reason, page, request: context.requestContext(request), status: e.status)
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
    static func hint(for status: HTTPStatus) -> String {
        switch status.code {
        case 400: "The request could not be understood. Go back and try again."
        case 403: "The form expired or came from another site. Reload the page and submit it again."
        case 404: "There is nothing at this address. It may have been mistyped or removed."
        case 405: "This address does not accept that kind of request."
        case 413: "The upload is too large. Use smaller images (under 30 MB each)."
        case 422: "Some fields need attention."
        case 503: "Reeldesk is busy right now. Try again in a few seconds."
        default: "Try again; if it keeps happening, tell whoever runs Reeldesk."
        }
    }
}
