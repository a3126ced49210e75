import FastCGI
import Foundation
import Hashing
import Logging
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
import ReeldeskSystem
import ReeldeskWeb
import SQLite
import Testing
import WebCore

/// The portal in this process: built by the composition root exactly as `serve` builds it
/// (data dir, migrated SQLite file, templates, hub, signing keys), answering `Request`s through
/// the real `App` (routing, session, CSRF, access rule, handler, template) without a socket or
/// nginx. One per test, in a data dir of its own.
final class InProcessPortal {
    /// Who sends a request: nobody, or one of the four accounts every portal starts with.
    enum Who: String, CaseIterable, CustomStringConvertible {
        case anonymous, viewer, member, otherMember, admin
        var description: String { rawValue }
    }

    let config: Config
    let app: App
    let db: Database
    private(set) var accounts: [Who: Account] = [:]
    private var sessions: [Who: String] = [:]
    private var apiTokens: [Who: String] = [:]
    private(set) var apiTokenIDs: [Who: Int64] = [:]
    /// An upload on disk that a signed link may fetch.
    static let uploadName = "0123456789abcdef0123456789abcdef.png"
    static let password = "correct horse battery"
    static let origin = "http://127.0.0.1:8080"

    init() throws {
        let dir = NSTemporaryDirectory() + "reeldesk-portal-\(UUID().uuidString)"
        config = try Config.fromEnvironment([
            "REELDESK_DATA_DIR": dir, "REELDESK_TEMPLATES_DIR": Fixtures.templatesDir, "REELDESK_PUBLIC_URL": Self.origin,
            "REELDESK_LOG_LEVEL": "critical",
        ])
        let web = try Composition.web(config: config, logger: Logger(label: "route-test"))
        app = App(context: web.context)
        db = try Database(path: config.databasePath)
        let store = AccountStore(db: db)
        for who in Who.allCases where who != .anonymous {
            let role: Role = switch who {
            case .viewer: .viewer
            case .admin: .admin
            default: .member
            }
            let account = try store.add(name: who.rawValue.lowercased(), role: role, passwordHash: nil, by: .commandLine)
            accounts[who] = account
            sessions[who] = try SessionStore(db: db, lifetime: 3600, idle: 3600).create(userID: account.id).token
            (apiTokens[who], apiTokenIDs[who]) = try APITokens(db: db).create(userID: account.id, name: "test")
        }
        _ = FileManager.default.createFile(atPath: config.uploadsDir + "/" + Self.uploadName, contents: Data(Fixtures.pngHeader(64, 64)))
    }

    deinit { try? FileManager.default.removeItem(atPath: config.dataDir) }

    /// Gives `who` the password `InProcessPortal.password` (Argon2: only where a test signs in).
    /// A new password ends the account's sessions, so it gets a fresh one.
    func setPassword(for who: Who) throws {
        guard let id = accounts[who]?.id else { return }
        try AccountStore(db: db).setPasswordHash(try PasswordHasher().hash(Self.password), for: id, by: .commandLine)
        sessions[who] = try SessionStore(db: db, lifetime: 3600, idle: 3600).create(userID: id).token
    }

    /// A finished task of `owner` with a video, poster and first frame on record (the files
    /// need not exist: nginx sends them, the responder only decides).
    func completedTask(of owner: Who, visibility: Visibility) throws -> TaskRecord {
        let store = TaskStore(db: db)
        var new = NewTask(parameters: Fixtures.parameters, firstFrameFile: "0123456789abcdef0123456789abcdef.png")
        new.ownerID = accounts[owner]?.id
        new.visibility = visibility
        let t = try store.create(new).task
        return try #require(store.update(t.id) {
            $0.status = .completed
            $0.video = ArchivedVideo(file: "\(t.id)/video.mp4", poster: "\(t.id)/poster.jpg", width: 720, height: 1280, seconds: 6,
                                     fps: 24, hasAudio: true, bytes: 1000)
        })
    }

    /// A request as a browser (or, for `/api/`, a script with an API token) sends it. POSTs
    /// carry this site's origin and a valid form token unless `csrf` is false.
    func send(_ method: HTTPMethod, _ path: String, query: String = "", as who: Who, form: [String: String] = [:],
              csrf: Bool = true) -> Response {
        var headers = HTTPHeaders()
        headers.add("Host", "127.0.0.1:8080")
        let isAPI = path.hasPrefix("/api/")
        var nonce: String
        if isAPI, let token = apiTokens[who] {
            headers.add("Authorization", "Bearer \(token)")
            nonce = ""
        } else if let session = sessions[who] {
            headers.add("Cookie", "rd_session=\(session)")
            nonce = "session:" + SessionStore.hash(session)
        } else {
            nonce = String(repeating: "ab", count: 32)
            headers.add("Cookie", "\(CSRF.cookieName)=\(nonce)")
        }
        var body: [UInt8] = []
        if method == .post {
            headers.add("Origin", Self.origin)
            var fields = form
            if csrf { fields[CSRF.fieldName] = app.context.csrf.token(forNonce: nonce) }
            if isAPI {
                headers.add("Content-Type", "application/json")
                body = Array((try? JSONSerialization.data(withJSONObject: form)) ?? Data())
            } else {
                headers.add("Content-Type", "application/x-www-form-urlencoded")
                body = Array(fields.map { URLEncodedForm.encode($0.key) + "=" + URLEncodedForm.encode($0.value) }.joined(separator: "&").utf8)
            }
        }
        let request = Request(method: method, path: path, query: query, headers: headers, body: body, remoteAddress: "127.0.0.1",
                              requestID: "test")
        return app.respond(to: request)
    }
}

extension Response {
    /// The `Location` of a redirect, if it is one.
    var location: String? { headers["Location"] }

    /// The body as text (empty for a stream).
    var bodyText: String {
        if case .bytes(let b) = body { return String(decoding: b, as: UTF8.self) }
        return ""
    }
}
