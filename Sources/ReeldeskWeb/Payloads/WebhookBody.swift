import ReeldeskStore

/// The body of the `task.finished` webhook: the API's JSON of the task (`TaskJSON`, the same
/// shape `/api/v1/tasks/{id}` answers) with the delivery id and the task's page link.
package struct WebhookBody: Encodable {
    package let event = "task.finished"
    package let delivery: Int64
    package let pageUrl: String
    package let task: TaskJSON

    /// The JSON bytes for delivery `delivery` of `task`, links absolute under `publicURL`.
    package static func encode(delivery: Int64, task: TaskRecord, publicURL: String) throws -> [UInt8] {
        let body = WebhookBody(delivery: delivery, pageUrl: publicURL + Route.task(id: task.id).path, task: TaskJSON(task))
        return try SnakeCaseJSON.encode(body)
    }
}
