import Testing
import WebCore
@testable import Reeldesk

@Suite struct CSRFTests {
    func request(cookie: String?) -> Request {
        var h = HTTPHeaders()
        if let cookie { h.add("Cookie", "rd_csrf=\(cookie)") }
        return Request(method: .post, path: "/tasks", headers: h)
    }

    func form(_ token: String?) -> FormData {
        var f = FormData()
        if let token { f.append("csrf_token", token) }
        return f
    }

    @Test func matchingTokenPasses() {
        let t = RandomHex.make(bytes: 32)
        #expect(t.count == 64)
        #expect(CSRF.verify(request: request(cookie: t), form: form(t)))
    }

    @Test func missingOrDifferentTokenFails() {
        let t = RandomHex.make(bytes: 32)
        #expect(!CSRF.verify(request: request(cookie: t), form: form(nil)))
        #expect(!CSRF.verify(request: request(cookie: nil), form: form(t)))
        #expect(!CSRF.verify(request: request(cookie: t), form: form(RandomHex.make(bytes: 32))))
        #expect(!CSRF.verify(request: request(cookie: "short"), form: form("short")), "malformed cookies are not trusted")
        #expect(throws: HTTPError.self) { try CSRF.require(request: request(cookie: t), form: form(nil)) }
    }

    @Test func aBrowserWithoutTheCookieGetsANewOne() {
        let (token, isNew) = CSRF.token(for: request(cookie: nil))
        #expect(isNew && CSRF.isWellFormed(token))
        let t = RandomHex.make(bytes: 32)
        #expect(CSRF.token(for: request(cookie: t)) == (t, false))
    }
}
