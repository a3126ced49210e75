import WebCore

/// Decodes a POST body by its media type.
package enum FormBody {
    package static func decode(_ request: Request, limits: FormLimits) throws -> FormData {
        switch request.mediaType {
        case "application/x-www-form-urlencoded":
            return try URLEncodedForm.decode(request.body, limits: limits)
        case "multipart/form-data":
            return try Multipart.decode(request.body, boundary: Multipart.boundary(fromContentType: request.headers["Content-Type"] ?? ""), limits: limits)
        case "" where request.body.isEmpty:
            return FormData()
        default:
            throw HTTPError(.badRequest, "Forms must be sent as application/x-www-form-urlencoded or multipart/form-data.")
        }
    }
}
