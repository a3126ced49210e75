import Testing
@testable import WebCore

@Suite struct MultipartTests {
    let boundary = "XyZ"

    func body(_ parts: [String], close: Bool = true) -> [UInt8] {
        var s = ""
        for p in parts { s += "--\(boundary)\r\n" + p + "\r\n" }
        if close { s += "--\(boundary)--\r\n" }
        return Array(s.utf8)
    }

    @Test func boundaryFromContentType() {
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(Multipart.boundary(fromContentType: "multipart/form-data") == nil)
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=") == nil)
    }

    @Test func fieldsAndFilesDecode() throws {
        let b = body([
            "Content-Disposition: form-data; name=\"prompt\"\r\n\r\nhello\r\nworld",
            "Content-Disposition: form-data; name=\"first_frame\"; filename=\"a \\\"q\\\".png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\u{2}",
        ])
        let f = try Multipart.decode(b, boundary: boundary)
        #expect(f["prompt"] == "hello\r\nworld")
        let file = try #require(f.file("first_frame"))
        #expect(file.filename == "a \"q\".png")
        #expect(file.contentType == "image/png")
        #expect(file.bytes == [1, 2])
    }

    @Test func preambleIsIgnored() throws {
        let b = Array("junk before\r\n".utf8) + body(["Content-Disposition: form-data; name=\"a\"\r\n\r\n1"])
        #expect(try Multipart.decode(b, boundary: boundary)["a"] == "1")
    }

    @Test func emptyFileInputIsNotAFile() throws {
        let b = body(["Content-Disposition: form-data; name=\"first_frame\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n"])
        let f = try Multipart.decode(b, boundary: boundary)
        #expect(f.file("first_frame") == nil)
    }

    @Test func missingBoundaryIsAnError() {
        #expect(throws: FormDecodingError.missingBoundary) { try Multipart.decode([], boundary: nil) }
    }

    @Test func emptyBodyIsMalformed() {
        #expect(throws: FormDecodingError.self) { try Multipart.decode([], boundary: boundary) }
    }

    @Test func truncatedPartIsMalformed() {
        let b = Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhal".utf8)
        #expect(throws: FormDecodingError.malformedMultipart("part not terminated (truncated body?)")) {
            try Multipart.decode(b, boundary: boundary)
        }
    }

    @Test func truncatedHeadersAreMalformed() {
        let b = Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"".utf8)
        #expect(throws: FormDecodingError.self) { try Multipart.decode(b, boundary: boundary) }
    }

    @Test func fileOverTheLimitIs413() {
        let b = body(["Content-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" + String(repeating: "x", count: 100)])
        let limits = FormLimits(maxFileBytes: 10)
        #expect(throws: FormDecodingError.fileTooLarge(name: "f", limit: 10)) { try Multipart.decode(b, boundary: boundary, limits: limits) }
        #expect(FormDecodingError.fileTooLarge(name: "f", limit: 10).httpError.status == .payloadTooLarge)
    }

    @Test func tooManyPartsIsRejected() {
        let b = body(Array(repeating: "Content-Disposition: form-data; name=\"a\"\r\n\r\n1", count: 5))
        #expect(throws: FormDecodingError.tooManyParts(limit: 3)) { try Multipart.decode(b, boundary: boundary, limits: FormLimits(maxParts: 3)) }
    }

    @Test func duplicateFieldsAreKept() throws {
        let b = body(["Content-Disposition: form-data; name=\"a\"\r\n\r\n1", "Content-Disposition: form-data; name=\"a\"\r\n\r\n2"])
        #expect(try Multipart.decode(b, boundary: boundary).all("a") == ["1", "2"])
    }

    @Test func nonUTF8TextFieldIsRejected() {
        var b = Array("--XyZ\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\n".utf8)
        b += [0xFF, 0xFE] + Array("\r\n--XyZ--\r\n".utf8)
        #expect(throws: FormDecodingError.notUTF8(name: "p")) { try Multipart.decode(b, boundary: boundary) }
    }

    @Test func junkAfterBoundaryIsMalformed() {
        let b = Array("--XyZjunk\r\n\r\n--XyZ--".utf8)
        #expect(throws: FormDecodingError.self) { try Multipart.decode(b, boundary: boundary) }
    }

    @Test func partWithoutNameIsSkipped() throws {
        let b = body(["Content-Type: text/plain\r\n\r\nnobody", "Content-Disposition: form-data; name=\"a\"\r\n\r\n1"])
        let f = try Multipart.decode(b, boundary: boundary)
        #expect(f.fields.count == 1)
    }

    @Test func partWithNoHeadersAtAllIsSkipped() throws {
        let b = body(["\r\nbare", "Content-Disposition: form-data; name=\"a\"\r\n\r\n1"])
        #expect(try Multipart.decode(b, boundary: boundary)["a"] == "1")
    }
}
