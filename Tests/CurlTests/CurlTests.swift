import Foundation
import Testing
@testable import Curl

@Suite struct CurlTests {
    init() { Curl.globalInit() }

    @Test func requestReturnsStatusHeadersAndBody() throws {
        let server = try OneShotHTTPServer(status: 429, headers: ["Retry-After": "7"], body: Array(#"{"error":{}}"#.utf8))
        let r = try Curl.request(method: "POST", url: server.url + "/v1/x", headers: ["Content-Type: application/json"], body: Array("{}".utf8))
        #expect(r.status == 429 && r.header("Retry-After") == "7" && r.body == Array(#"{"error":{}}"#.utf8))
    }

    @Test func slowAnswerTimesOut() throws {
        let server = try OneShotHTTPServer(status: 200, body: [], delay: 1.5)
        do {
            _ = try Curl.request(method: "GET", url: server.url, timeoutMs: 300)
            Issue.record("expected a timeout")
        } catch let e as CurlError {
            #expect(e.isTimeout)
        }
    }

    @Test func oversizedBodyIsRefused() throws {
        let server = try OneShotHTTPServer(status: 200, body: [UInt8](repeating: 7, count: 5000))
        do {
            _ = try Curl.request(method: "GET", url: server.url, maxBytes: 1000)
            Issue.record("expected a size error")
        } catch let e as CurlError {
            #expect(e.isTooLarge)
        }
    }

    @Test func downloadWritesPartThenRenames() throws {
        let body = [UInt8](repeating: 42, count: 100_000)
        let server = try OneShotHTTPServer(status: 200, body: body)
        let path = NSTemporaryDirectory() + "curl-\(UUID().uuidString).bin"
        #expect(try Curl.download(url: server.url + "/v.mp4", to: path, maxBytes: 1 << 20) == 100_000)
        #expect(FileManager.default.contents(atPath: path) == Data(body))
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
    }

    @Test func failedDownloadLeavesNothingBehind() throws {
        let path = NSTemporaryDirectory() + "curl-\(UUID().uuidString).bin"
        let missing = try OneShotHTTPServer(status: 404, body: Array("gone".utf8))
        #expect(throws: CurlError.self) { try Curl.download(url: missing.url, to: path, maxBytes: 1 << 20) }
        let big = try OneShotHTTPServer(status: 200, body: [UInt8](repeating: 1, count: 50_000))
        do {
            _ = try Curl.download(url: big.url, to: path, maxBytes: 10_000)
            Issue.record("expected a size error")
        } catch let e as CurlError {
            #expect(e.isTooLarge)
        }
        #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".part"))
    }

    @Test func onlyHTTPAndHTTPSAreFetched() {
        #expect(throws: CurlError.self) { try Curl.request(method: "GET", url: "file:///etc/passwd") }
    }

    /// A public-only transfer to a loopback address never opens a connection (not even a TLS
    /// hello), and an open port and a closed one get the same error.
    @Test func privateAddressesAreRefusedBeforeAnyConnection() throws {
        let server = try OneShotHTTPServer(status: 200, body: Array("x".utf8))
        let port = server.port
        let urls = ["http://127.0.0.1:\(port)/x", "https://127.0.0.1:\(port)/x", "http://localhost:\(port)/x",
                    "http://[::ffff:127.0.0.1]:\(port)/x", "http://2130706433:\(port)/x", "http://127.0.0.1:1/x"]
        let scratch = NSTemporaryDirectory() + "rd-refused-\(UUID().uuidString)"
        for url in urls {
            #expect(throws: Curl.refusedAddress, "\(url)") { try Curl.request(method: "GET", url: url, publicOnly: true) }
            #expect(throws: Curl.refusedAddress, "\(url)") { try Curl.download(url: url, to: scratch, maxBytes: 1000, publicOnly: true) }
        }
        // The listener's first connection is this one: none came before it.
        #expect(try Curl.request(method: "GET", url: server.url).status == 200)
        #expect(server.connections == 1)
    }

    @Test func everyFormOfAPrivateAddressIsRefusedAndPublicOnesPass() {
        for ip in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                   "::1", "::", "fe80::1", "fc00::1", "fd12::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                   "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b:1::1", "2002:7f00:1::1", "2002:c0a8:101::1", "::7f00:1",
                   "fec0::1", "2001:db8::1", "not an address"] {
            #expect(!Curl.isPublicAddress(ip), "\(ip)")
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"] {
            #expect(Curl.isPublicAddress(ip), "\(ip)")
        }
    }
}
