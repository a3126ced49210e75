import Testing
@testable import WebCore

@Suite struct URLEncodedFormTests {
    func decode(_ s: String, limits: FormLimits = FormLimits()) throws -> FormData {
        try URLEncodedForm.decode(Array(s.utf8), limits: limits)
    }

    @Test func emptyBodyHasNoFields() throws {
        #expect(try decode("").fields.isEmpty)
        #expect(try decode("&&&").fields.isEmpty)
    }

    @Test func plusIsSpaceAndEscapesDecode() throws {
        let f = try decode("prompt=a+red%20fox%21&x=%E4%B8%AD")
        #expect(f["prompt"] == "a red fox!")
        #expect(f["x"] == "中")
    }

    @Test func whitespaceIsKeptForTheValidatorToTrim() throws {
        #expect(try decode("p=+++")["p"] == "   ")
    }

    @Test func badPercentEscapesStayLiteral() throws {
        #expect(try decode("a=100%&b=%zz&c=%4")["a"] == "100%")
        #expect(try decode("b=%zz")["b"] == "%zz")
        #expect(try decode("c=%4")["c"] == "%4")
    }

    @Test func pairWithoutEqualsIsAnEmptyValue() throws {
        let f = try decode("audio&seed=")
        #expect(f["audio"] == "")
        #expect(f["seed"] == "")
    }

    @Test func duplicateKeysAreAllKeptFirstWins() throws {
        let f = try decode("a=1&a=2")
        #expect(f["a"] == "1")
        #expect(f.all("a") == ["1", "2"])
    }

    @Test func hugeValueIsRejected() {
        let big = "p=" + String(repeating: "x", count: 70_000)
        #expect(throws: FormDecodingError.fieldTooLarge(name: "p", limit: 65536)) { try decode(big) }
    }

    @Test func tooManyFieldsIsRejected() {
        let many = (0..<40).map { "f\($0)=1" }.joined(separator: "&")
        #expect(throws: FormDecodingError.tooManyFields(limit: 32)) { try decode(many, limits: .query) }
    }

    @Test func nonUTF8IsRejected() {
        #expect(throws: FormDecodingError.notUTF8(name: "p")) { try decode("p=%FF%FE") }
    }

    @Test func encodeRoundTrips() throws {
        let s = "a b&c=d/中"
        #expect(try decode("k=" + URLEncodedForm.encode(s))["k"] == s)
    }
}

@Suite struct URLEncodedFormLimitsTests {
    /// 8 MB of `a&a&…` stops at the 65th field, having looked at a few bytes of it.
    @Test func aFloodOfEmptyFieldsStopsAtTheFieldLimit() {
        let body = [UInt8](repeating: 0, count: 8 << 20).enumerated().map { $0.offset % 2 == 0 ? UInt8(ascii: "a") : UInt8(ascii: "&") }
        #expect(throws: FormDecodingError.tooManyFields(limit: 64)) { try URLEncodedForm.decode(body, limits: FormLimits()) }
    }

    @Test func aHugeFieldNameIsRefused() {
        let body = Array((String(repeating: "n", count: 5000) + "=1").utf8)
        #expect(throws: FormDecodingError.self) { try URLEncodedForm.decode(body) }
    }

    @Test func emptyPairsDoNotCount() throws {
        let body = Array((String(repeating: "&", count: 10_000) + "a=1").utf8)
        #expect(try URLEncodedForm.decode(body, limits: FormLimits(maxFields: 1))["a"] == "1")
    }
}
