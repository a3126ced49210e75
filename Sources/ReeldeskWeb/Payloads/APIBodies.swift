/// A page of `/api/v1/tasks`.
package struct TaskListJSON: Encodable {
    package let tasks: [TaskJSON]
    /// The next (older) page, with the same filters; nil on the last page.
    package let next: String?

    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(next, forKey: .next)  // null rather than absent: the last page says so
    }

    package enum CodingKeys: String, CodingKey { case tasks, next }
}

/// `{"error": {"status": 422, "message": "…", "fields": [{"field": "prompt", "message": "…"}]}}`.
package struct APIErrorBody: Encodable {
    package struct Detail: Encodable {
        package struct Field: Encodable {
            package let field: String
            package let message: String
        }

        package let status: Int
        package let message: String
        package var fields: [Field] = []
    }

    package let error: Detail
}
