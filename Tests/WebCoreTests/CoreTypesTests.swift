import Testing
@testable import WebCore

@Suite struct CookiesTests {
    @Test func parsesPairsSkippingJunk() {
        let c = Cookies.parse("a=1; b = two ;junk; =x; c=\"q\"; a=3")
        #expect(c == ["a": "1", "b": "two", "c": "q"])
    }

    @Test func emptyHeader() { #expect(Cookies.parse("").isEmpty) }

    @Test func setCookieHasSafeDefaults() {
        let s = Cookies.setCookie(name: "n", value: "v", maxAge: 10, secure: true)
        #expect(s == "n=v; Path=/; SameSite=Lax; Max-Age=10; HttpOnly; Secure")
    }
}

@Suite struct HeadersTests {
    @Test func lookupIsCaseInsensitiveAndInjectionIsStripped() {
        var h = HTTPHeaders()
        h.add("Location", "/a\r\nSet-Cookie: x=1")
        #expect(h["location"] == "/aSet-Cookie: x=1")
        h.set("LOCATION", "/b")
        #expect(h.fields.count == 1 && h["Location"] == "/b")
    }
}

@Suite struct ServerSentEventTests {
    @Test func multilineDataIsSplitIntoDataLines() {
        let e = ServerSentEvent(id: 7, name: "task.created", data: "a\nb\r\nc")
        #expect(String(decoding: e.encoded, as: UTF8.self) == "id: 7\nevent: task.created\ndata: a\ndata: b\ndata: c\n\n")
    }

    @Test func nameCannotInjectFields() {
        let e = ServerSentEvent(id: 1, name: "x\ndata: evil", data: "ok")
        #expect(String(decoding: e.encoded, as: UTF8.self) == "id: 1\nevent: xdata: evil\ndata: ok\n\n")
    }

    @Test func lastEventIDParsing() {
        #expect(ServerSentEvent.parseLastEventID("42") == 42)
        #expect(ServerSentEvent.parseLastEventID("") == nil)
        #expect(ServerSentEvent.parseLastEventID("-1") == nil)
        #expect(ServerSentEvent.parseLastEventID(" 4") == nil)
        #expect(ServerSentEvent.parseLastEventID("99999999999999999999") == nil)
        #expect(ServerSentEvent.parseLastEventID(nil) == nil)
    }
}

@Suite struct HTMLEscapeTests {
    @Test func escapesTheFiveCharacters() {
        #expect(HTMLEscape.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }

    @Test func leavesOtherTextAlone() {
        #expect(HTMLEscape.escape("一只小猫 plays") == "一只小猫 plays")
        #expect(HTMLEscape.escape("") == "")
    }
}

@Suite struct FieldRuleTests {
    @Test func integerRuleRangesAndDefaults() throws {
        let rule = FieldRule<Int64>.integer(4...12, defaultValue: 5, label: "Duration")
        #expect(try rule.validate(nil).get() == 5)
        #expect(try rule.validate(" 7 ").get() == 7)
        #expect((try? rule.validate("13").get()) == nil)
        #expect((try? rule.validate("5.5").get()) == nil)
        #expect((try? rule.validate("99999999999999999999999").get()) == nil)
    }

    @Test func checkbox() throws {
        #expect(try FieldRule<Bool>.checkbox.validate("on").get() == true)
        #expect(try FieldRule<Bool>.checkbox.validate(nil).get() == false)
        #expect((try? FieldRule<Bool>.checkbox.validate("maybe").get()) == nil)
    }

    @Test func requiredTextTrimsAndCounts() throws {
        let rule = FieldRule<String>.text(required: true, max: 3, label: "P")
        #expect((try? rule.validate("  ").get()) == nil)
        #expect(try rule.validate(" ab ").get() == "ab")
        #expect((try? rule.validate("abcd").get()) == nil)
    }
}
