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
