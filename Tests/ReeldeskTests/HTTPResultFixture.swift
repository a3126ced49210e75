import Curl

/// Builds `HTTPResult`s for classification tests.
struct HTTPResultFixture {
    let status: Int
    let body: String
    let headers: [String: String]

    var value: HTTPResult { HTTPResult(status: status, headers: headers, body: Array(body.utf8)) }
}
