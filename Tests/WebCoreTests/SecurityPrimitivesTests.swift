import Hashing
import Testing
@testable import WebCore

@Suite struct SHA256Tests {
    @Test func standardVectors() {
        #expect(SHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(SHA256.hash(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func hmacRFC4231() {
        // Test case 2 and test case 6 (a key longer than the block).
        #expect(SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let key = [UInt8](repeating: 0xaa, count: 131)
        #expect(SHA256.hex(SHA256.hmac(key: key, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func constantTimeEquals() {
        #expect(SHA256.constantTimeEquals("abc", "abc"))
        #expect(!SHA256.constantTimeEquals("abc", "abd"))
        #expect(!SHA256.constantTimeEquals("abc", "abcd"))
    }
}

@Suite struct CGIParametersTests {
    func parse(_ pairs: [(String, String)]) throws(CGIParameters.Problem) -> CGIParameters {
        try CGIParameters.parse(pairs.map { (name: $0.0, value: $0.1) })
    }

    @Test func aNormalRequest() throws {
        let p = try parse([("REQUEST_METHOD", "POST"), ("DOCUMENT_URI", "/tasks"), ("QUERY_STRING", "a=1"), ("CONTENT_LENGTH", "12"),
                           ("CONTENT_TYPE", "text/plain"), ("HTTP_X_REQUESTED_WITH", "x"), ("REQUEST_ID", "0123abcd")])
        #expect(p.method == .post && p.path == "/tasks" && p.query == "a=1" && p.contentLength == 12)
        #expect(p.headers["X-Requested-With"] == "x" && p.headers["Content-Type"] == "text/plain" && p.requestID == "0123abcd")
    }

    @Test func badContentLengthsAreRefused() {
        for bad in ["-1", "abc", "99999999999999", " 5", "5 ", "+5", "0x10", "1e3", "１２"] {
            #expect(throws: CGIParameters.Problem.self, "\(bad)") { try parse([("CONTENT_LENGTH", bad)]) }
        }
        #expect((try? parse([("CONTENT_LENGTH", "")]))?.contentLength == 0)
        #expect((try? parse([]))?.contentLength == 0)
        #expect((try? parse([("CONTENT_LENGTH", "99999999999")]))?.contentLength == 99_999_999_999, "large but sane: the reader drains and decides")
    }

    @Test func duplicatesOfFramingParametersAreRefused() {
        #expect(throws: CGIParameters.Problem.self) { try parse([("CONTENT_LENGTH", "1"), ("CONTENT_LENGTH", "1")]) }
        #expect(throws: CGIParameters.Problem.self) { try parse([("DOCUMENT_URI", "/a"), ("DOCUMENT_URI", "/b")]) }
        #expect((try? parse([("DOCUMENT_URI", "/a"), ("DOCUMENT_URI", "/a")]))?.path == "/a", "an identical copy is harmless")
    }

    @Test func controlCharactersAnywhereAreRefused() {
        for (k, v) in [("DOCUMENT_URI", "/a\nb"), ("HTTP_USER_AGENT", "x\r\ny"), ("REQUEST_ID", "a\u{1b}b"), ("X\u{0}", "1"), ("HTTP_X", "\u{7f}")] {
            #expect(throws: CGIParameters.Problem.self, "\(k)") { try parse([(k, v)]) }
        }
        #expect(throws: CGIParameters.Problem.self) { try parse([("REQUEST_URI", "/a%0Ab")]) }
        #expect((try? parse([("HTTP_X", "a\tb")])) != nil, "tab is allowed in header values")
    }

    @Test func headerNamesFromCGI() {
        // The table of common names spells each exactly as the general rule does.
        for (cgi, name) in CGIParameters.commonHeaders {
            #expect(CGIParameters.spelledHeaderName(fromCGI: cgi) == name, "\(cgi)")
        }
        #expect(CGIParameters.headerName(fromCGI: "HTTP_X_REQUESTED_WITH") == "X-Requested-With")
        #expect(CGIParameters.headerName(fromCGI: "HTTP_X__ODD_") == "X-Odd", "empty words are dropped")
        #expect(CGIParameters.headerName(fromCGI: "HTTP_A1_B2") == "A1-B2")
    }

    @Test func oddRequestIDsAndMethods() throws {
        #expect(try parse([("REQUEST_ID", "abc def")]).requestID == nil)
        #expect(try parse([("REQUEST_ID", String(repeating: "a", count: 65))]).requestID == nil)
        #expect(throws: CGIParameters.Problem.self) { try parse([("REQUEST_METHOD", "GE T")]) }
        #expect(throws: CGIParameters.Problem.self) { try parse([("REQUEST_METHOD", "")]) }
    }
}

@Suite struct TextRulesTests {
    @Test func controlCharactersAreRefusedNamingTheField() {
        let rule = FieldRule<String>.text(required: true, max: 100, label: "Prompt")
        for bad in ["a\u{0}b", "a\u{1b}[31m", "\u{7}", "x\u{85}y"] {
            guard case .failure(let f) = rule.validate(bad) else { Issue.record("accepted \(bad.debugDescription)"); continue }
            #expect(f.message.contains("Prompt"))
        }
        guard case .success(let ok) = rule.validate("line one\r\nline\ttwo\rthree") else { Issue.record("refused line breaks"); return }
        #expect(ok == "line one\nline\ttwo\nthree")
    }
}

@Suite struct ControlCharacterTests {
    @Test func c0DelAndC1AreForbiddenTabsLineBreaksAndOtherTextAreNot() {
        for bad in ["a\u{0}b", "\u{1B}[31m", "x\u{7F}", "next\u{85}line", "\u{9F}", "\u{1}"] {
            #expect(bad.hasForbiddenControlCharacter, "\(bad.unicodeScalars.map { $0.value })")
        }
        for fine in ["tab\there", "line\nbreak\r\n", "no\u{A0}break", "café", "狐狸", "🦊", "\u{C2}", ""] {
            #expect(!fine.hasForbiddenControlCharacter, "\(fine)")
        }
        #expect("a\u{0}b\u{85}c".replacingForbiddenControls == "a\u{FFFD}b\u{FFFD}c")
    }
}
