@testable import Reeldesk
import ReeldeskDomain
import ReeldeskWeb
import Testing
import WebCore

@Suite struct CSRFTests {
    let csrf = CSRF(secret: Array(repeating: 7, count: 32), publicOrigin: "http://127.0.0.1:8080", sessionCookieName: "rd_session")

    func request(cookie: String?, headers extra: [(String, String)] = [], type: String = "application/x-www-form-urlencoded") -> Request {
        var h = HTTPHeaders()
        if let cookie { h.add("Cookie", "rd_csrf=\(cookie)") }
        h.add("Content-Type", type)
        for (k, v) in extra { h.add(k, v) }
        return Request(method: .post, path: "/tasks", headers: h, body: Array("a=1".utf8))
    }

    func form(_ token: String?) -> FormData {
        var f = FormData()
        if let token { f.append("csrf_token", token) }
        return f
    }

    @Test func theTokenIsTheHMACOfTheCookiesNonce() {
        let nonce = RandomHex.make(bytes: 32)
        #expect(nonce.count == 64)
        let token = csrf.token(forNonce: nonce)
        #expect(token != nonce && token.count == 64)
        #expect(csrf.verify(nonce: nonce, form: form(token)))
    }

    @Test func anAttackerChosenPairFails() {
        // The old double-submit accepted any equal pair; the HMAC does not.
        let chosen = String(repeating: "a", count: 64)
        #expect(!csrf.verify(nonce: chosen, form: form(chosen)))
        let other = CSRF(secret: Array(repeating: 8, count: 32), publicOrigin: "", sessionCookieName: "rd_session")
        #expect(!csrf.verify(nonce: chosen, form: form(other.token(forNonce: chosen))), "a token made with another secret")
    }

    @Test func missingOrDifferentTokenFails() {
        let nonce = RandomHex.make(bytes: 32)
        #expect(!csrf.verify(nonce: nonce, form: form(nil)))
        #expect(!csrf.verify(nonce: nonce, form: form(csrf.token(forNonce: RandomHex.make(bytes: 32)))))
        #expect(!csrf.verify(nonce: "session:" + nonce, form: form(csrf.token(forNonce: nonce))), "a session-bound token differs from the cookie's")
        #expect(throws: HTTPError.self) { try csrf.require(nonce: nonce, form: form(nil)) }
    }

    @Test func aBrowserWithoutTheCookieGetsANewOne() {
        let (nonce, isNew) = csrf.nonce(for: request(cookie: nil))
        #expect(isNew && CSRF.isWellFormed(nonce))
        let t = RandomHex.make(bytes: 32)
        #expect(csrf.nonce(for: request(cookie: t)) == (t, false))
    }

    @Test func precheckRefusesForeignOriginsBeforeDecoding() throws {
        let nonce = RandomHex.make(bytes: 32)
        try csrf.precheck(request(cookie: nonce, headers: [("Origin", "http://127.0.0.1:8080")]))
        try csrf.precheck(request(cookie: nonce, headers: [("Origin", "http://portal.local:9000"), ("Host", "portal.local:9000")]))
        try csrf.precheck(request(cookie: nonce, headers: [("Sec-Fetch-Site", "same-origin")]))
        try csrf.precheck(request(cookie: nonce))
        for bad: [(String, String)] in [[("Origin", "https://evil.example")], [("Origin", "null")], [("Sec-Fetch-Site", "cross-site")],
                                        [("Origin", "http://127.0.0.1:8080.evil.example"), ("Host", "127.0.0.1:8080")]] {
            #expect(throws: HTTPError.self, "\(bad)") { try csrf.precheck(request(cookie: nonce, headers: bad)) }
        }
        #expect(throws: HTTPError.self, "no cookie") { try csrf.precheck(request(cookie: nil)) }
        #expect(throws: HTTPError.self, "not a form") { try csrf.precheck(request(cookie: nonce, type: "application/json")) }
    }
}
