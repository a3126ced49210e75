import Foundation
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
import ReeldeskSystem
import ReeldeskWeb
import SQLite
import Testing
import WebCore

@Suite struct PasswordHasherTests {
    @Test func hashesVerifyAndCarryTheirParameters() throws {
        let hasher = PasswordHasher(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let hash = try hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"))
        #expect(try hasher.verify("correct horse battery", against: hash))
        #expect(try !hasher.verify("correct horse batterY", against: hash))
        #expect(try !hasher.verify("", against: "not a hash"))
        #expect(try hasher.hash("same") != hasher.hash("same"), "a fresh salt each time")
        #expect(!hasher.needsRehash(hash))
        #expect(PasswordHasher().needsRehash(hash), "other parameters ask for a rehash at the next login")
        #expect(try PasswordHasher().verify("correct horse battery", against: hash), "an old hash still verifies")
    }
}

@Suite struct SessionTests {
    func setup() throws -> (Database, Account) {
        let db = try Fixtures.migratedDatabase()
        let a = try AccountStore(db: db).add(name: "ann", role: .member, passwordHash: nil, by: .commandLine)
        return (db, a)
    }

    @Test func aSessionIsStoredHashedAndEndsEveryWayItShould() throws {
        let (db, a) = try setup()
        let sessions = SessionStore(db: db, lifetime: 1000, idle: 100)
        let (token, id) = try sessions.create(userID: a.id, now: 0)
        let stored = try db.prepare("SELECT token_hash FROM sessions WHERE id = ?").bind(id).first { $0.text(0) }
        #expect(stored == SessionStore.hash(token) && stored != token, "only the hash is stored")
        #expect(try sessions.resolve(token, now: 50)?.account.name == "ann")
        #expect(try sessions.resolve(token, now: 50 + 101) == nil, "idle too long")
        #expect(try sessions.resolve(String(repeating: "0", count: 64), now: 50) == nil)
        #expect(try sessions.resolve("short", now: 50) == nil)

        let (t2, id2) = try sessions.create(userID: a.id, now: 0)
        #expect(try sessions.resolve(t2, now: 990) == nil, "idle")
        let (t3, _) = try sessions.create(userID: a.id, now: 900)
        #expect(try sessions.resolve(t3, now: 950) != nil)
        try sessions.end(id2)
        #expect(try db.prepare("SELECT data FROM events WHERE kind = 'session.ended' ORDER BY id DESC").first { $0.text(0) } == "{\"session\":\(id2)}")
        try AccountStore(db: db).setDisabled(true, for: a.id, by: .commandLine)
        #expect(try sessions.resolve(t3, now: 951) == nil, "disabling ends every session")
        #expect(try db.prepare("SELECT data FROM events WHERE kind = 'session.ended' ORDER BY id DESC").first { $0.text(0) } == "{\"user\":\(a.id)}")
    }

    @Test func theThrottleCountsFailuresPerAccountAndPerAddress() throws {
        let (db, _) = try setup()
        let t = LoginThrottle(db: db)
        for i in 0..<5 {
            #expect(try !t.isThrottled(account: "ann", address: "10.0.0.1", now: 100 + Double(i)))
            try t.recordFailure(account: "ANN", address: "10.0.0.\(i)", now: 100 + Double(i))
        }
        #expect(try t.isThrottled(account: "ann", address: "10.0.0.9", now: 106), "the sixth attempt on one account, from any address")
        #expect(try !t.isThrottled(account: "ann", address: "10.0.0.9", now: 170), "a minute later it is allowed again")
        for i in 0..<20 { try t.recordFailure(account: "u\(i)", address: "10.9.9.9", now: 200) }
        #expect(try t.isThrottled(account: "zed", address: "10.9.9.9", now: 201), "one address trying many accounts")
    }

    @Test func theLastAdminStays() throws {
        let db = try Fixtures.migratedDatabase()
        let store = AccountStore(db: db)
        let admin = try store.add(name: "root", role: .admin, passwordHash: nil, by: .commandLine)
        #expect(throws: AccountProblem.lastAdmin) { try store.setDisabled(true, for: admin.id, by: .commandLine) }
        #expect(throws: AccountProblem.lastAdmin) { try store.setRole(.member, for: admin.id, by: .commandLine) }
        #expect(throws: AccountProblem.nameTaken) { try store.add(name: "ROOT", role: .member, passwordHash: nil, by: .commandLine) }
        #expect(throws: AccountProblem.invalidName) { try store.add(name: "a b", role: .member, passwordHash: nil, by: .commandLine) }
        #expect(throws: AccountProblem.invalidName) { try store.add(name: "-x", role: .member, passwordHash: nil, by: .commandLine) }
    }
}

@Suite struct VisibilityTests {
    @Test func theRuleIsTheSameInSwiftAndInSQL() throws {
        let db = try Fixtures.migratedDatabase()
        let store = TaskStore(db: db)
        func make(_ owner: Int64?, _ v: Visibility) throws -> Int64 {
            var n = NewTask(parameters: Fixtures.parameters)
            n.ownerID = owner
            n.visibility = v
            return try store.create(n).task.id
        }
        let aPrivate = try make(1, .private), aTeam = try make(1, .team), bPrivate = try make(2, .private), legacy = try make(nil, .team)
        let viewers: [(Viewer, Set<Int64>)] = [
            (.testing(.member, id: 1), [aPrivate, aTeam, legacy]),
            (.testing(.member, id: 2), [aTeam, bPrivate, legacy]),
            (.testing(.viewer, id: 3), [aTeam, legacy]),
            (.testing(.admin, id: 4), [aPrivate, aTeam, bPrivate, legacy]),
            (.anonymous, []),
        ]
        for (viewer, expected) in viewers {
            let visible = store.visible(to: viewer)
            #expect(Set(try visible.list(limit: 100).map(\.id)) == expected, "\(viewer.role) \(viewer.id)")
            for id in [aPrivate, aTeam, bPrivate, legacy] {
                #expect((try visible.find(id) != nil) == expected.contains(id))
            }
        }
        let a = try #require(try store.find(aPrivate))
        #expect(Viewer.testing(.member, id: 1).canManage(a) && !Viewer.testing(.member, id: 2).canManage(a) && Viewer.testing(.admin, id: 9).canManage(a))
        #expect(!Viewer.testing(.viewer, id: 1).canManage(a), "a viewer owns nothing it can change")
    }

    @Test func eventsCarryTheAudienceOfTheTaskAsItIsNow() throws {
        let db = try Fixtures.migratedDatabase()
        let store = TaskStore(db: db)
        var n = NewTask(parameters: Fixtures.parameters)
        n.ownerID = 7
        n.visibility = .team
        let t = try store.create(n).task
        try store.update(t.id) { $0.visibility = .private }
        let events = try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10)
        #expect(events.count == 2 && events.allSatisfy { $0.audience == .owner(7) }, "a replay follows the task's visibility now")
        #expect(!Viewer.testing(.member, id: 8).mayReceive(.owner(7)) && Viewer.testing(.member, id: 7).mayReceive(.owner(7)))
        #expect(Viewer.testing(.admin, id: 1).mayReceive(.owner(7)) && !Viewer.testing(.admin, id: 1).mayReceive(.nobody))
        // Made private: the others are told it is gone for them; the owner and admins are not.
        try store.appendEvent(kind: TaskEvent.hidden, task: try #require(try store.find(t.id)), now: 0)
        let hidden = try #require(try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10).last)
        #expect(hidden.name == TaskEvent.deleted && hidden.data == "{\"id\":\(t.id),\"hidden\":true}" && hidden.audience == .othersThan(7))
        #expect(Viewer.testing(.member, id: 8).mayReceive(hidden.audience) && Viewer.testing(.viewer, id: 9).mayReceive(hidden.audience))
        #expect(!Viewer.testing(.member, id: 7).mayReceive(hidden.audience) && !Viewer.testing(.admin, id: 1).mayReceive(hidden.audience))
        try store.update(t.id) { $0.visibility = .team }
        #expect(try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10).filter { $0.data.contains("\"hidden\":true") }.isEmpty, "shared again: a replay does not hide it")
        _ = try store.update(t.id) { $0.cancel() }
        _ = try store.delete(t.id)
        let deleted = try #require(try TaskEventFeed(db: db, fragments: try Fixtures.fragments()).events(after: 0, limit: 10).last)
        #expect(deleted.name == TaskEvent.deleted && deleted.audience == .everyone && deleted.data == "{\"id\":\(t.id)}",
                "deleted while shared: everyone is told")
        #expect(SessionEnding(sessionID: 3, userID: 5).matches("{\"session\":3}") && SessionEnding(sessionID: 3, userID: 5).matches("{\"user\":5}"))
        #expect(!SessionEnding(sessionID: 3, userID: 5).matches("{\"session\":33}"))
    }
}

@Suite struct SpendingTests {
    @Test func budgetsAndTheInFlightCapRefuseBeforeAnythingIsStored() throws {
        let db = try Fixtures.migratedDatabase()
        let store = TaskStore(db: db)
        let spending = Spending(db: db)
        var settings = TeamSettings(maxInFlightPerUser: 2)
        let ann = Fixtures.account(1, .member, budget: 1.00)
        let now = Date().timeIntervalSince1970
        // One completed task this month at $0.60 final cost, one running at $0.30.
        var done = NewTask(parameters: Fixtures.parameters)
        done.ownerID = 1
        done.estimatedCostUSD = 0.5
        let d = try store.create(done).task
        try store.update(d.id) { t in
            t.complete(video: ArchivedVideo(file: "x", poster: nil, width: 720, height: 1280, seconds: 7.2, fps: 24, hasAudio: true, bytes: 1), at: now)
        }
        let completed = try #require(try store.find(d.id))
        #expect(abs((completed.finalCostUSD ?? 0) - 0.5 * (24 * 7.2 + 1) / (24 * 6 + 1)) < 1e-9, "the final cost follows the video made")
        var running = NewTask(parameters: Fixtures.parameters)
        running.ownerID = 1
        running.estimatedCostUSD = 0.3
        _ = try store.create(running)
        let spent = try spending.spent(owner: 1, now: now)
        #expect(abs(spent - completed.finalCostUSD!) < 1e-9)
        try spending.admit(ann, cost: 1.0 - spent - 0.3 - 0.001, settings: settings, now: now)
        #expect(throws: SpendRefusal.self) { try spending.admit(ann, cost: 0.2, settings: settings, now: now) }
        do {
            try spending.admit(ann, cost: 0.2, settings: settings, now: now)
        } catch let r as SpendRefusal {
            #expect(abs(r.overBy - (spent + 0.3 + 0.2 - 1.0)) < 1e-9)
            #expect(r.message.contains("over your monthly budget of $1.00"))
        }
        settings.teamMonthlyBudgetUSD = 0.5
        let rich = Fixtures.account(2, .member)
        #expect(throws: SpendRefusal.teamBudget(budget: 0.5, committed: spent + 0.3, cost: 0.01)) {
            try spending.admit(rich, cost: 0.01, settings: settings, now: now)
        }
        _ = try store.create({ var n = NewTask(parameters: Fixtures.parameters); n.ownerID = 1; return n }())
        #expect(throws: SpendRefusal.inFlight(cap: 2)) { try spending.admit(ann, cost: 0, settings: settings, now: now) }
        #expect(Spending.monthStart(Double(1_795_808_584)) == 1_793_491_200, "2026-11-01T00:00Z")
        #expect(Spending.monthKey(1_793_491_199) == "2026-10" && Spending.monthKey(1_793_491_200) == "2026-11")
        // Deleting a completed video does not refund what it cost.
        _ = try store.delete(d.id)
        #expect(abs(try spending.spent(owner: 1, now: now) - spent) < 1e-9)
    }
}

@Suite struct UploadLinkAndAuditTests {
    @Test func uploadLinksAreSignedAndExpire() {
        let links = UploadLink(secret: Array(repeating: 3, count: 32))
        let name = String(repeating: "ab", count: 16) + ".png"
        let path = links.path(for: name, expires: 2000)
        let q = Request(method: .get, path: "/", query: String(path.split(separator: "?")[1])).queryItems
        #expect(links.isValid(name: name, expires: q["expires"], sig: q["sig"], now: 1999))
        #expect(!links.isValid(name: name, expires: q["expires"], sig: q["sig"], now: 2000), "expired")
        #expect(!links.isValid(name: "held/" + name, expires: q["expires"], sig: q["sig"], now: 1000), "another file")
        #expect(!links.isValid(name: name, expires: "3000", sig: q["sig"], now: 1000), "a later expiry is not signed")
        #expect(!links.isValid(name: name, expires: q["expires"], sig: nil, now: 1000))
        #expect(!UploadLink(secret: Array(repeating: 4, count: 32)).isValid(name: name, expires: q["expires"], sig: q["sig"], now: 1000))
    }

    @Test func theAuditLogIsAppendOnlyAndItsCSVKeepsChinese() throws {
        let db = try Fixtures.migratedDatabase()
        try AuditLog(db: db).record(.taskSubmit, by: Actor(id: 1, name: "ann", address: "127.0.0.1"), taskID: 5, paramsHash: "ab", cost: 0.26,
                                    detail: ["parent": "4"], now: 100)
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE audit SET action = 'x'") }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM audit") }
        let rows = try AuditLog(db: db).entries(AuditLog.Filter(), limit: 10)
        let csv = AuditCSV.encode(rows, prompts: [5: "一只狐狸, \"quoted\"\nline"])
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("\"id\",\"time_utc\",\"actor\",\"action\",\"task_id\",\"subject\",\"prompt\""))
        #expect(text.contains("\"一只狐狸, \"\"quoted\"\"\nline\""))
        #expect(AuditCSV.quote("=cmd()") == "\"'=cmd()\"", "formula injection is defused")
        #expect(try AuditLog(db: db).entries(AuditLog.Filter(actor: "bob"), limit: 10).isEmpty)
        #expect(try AuditLog(db: db).entries(AuditLog.Filter(action: "task.submit", taskID: 5, since: 50, until: 150), limit: 10).count == 1)
    }
}

@Suite struct SessionCookieTests {
    @Test func overHTTPSTheCookieIsHostPrefixedAndSecure() {
        let https = SessionCookie(secure: true, lifetime: 3600)
        #expect(https.name == "__Host-rd_session")
        let set = https.set(String(repeating: "a", count: 64))
        for part in ["__Host-rd_session=", "Path=/", "HttpOnly", "SameSite=Lax", "Secure", "Max-Age=3600"] {
            #expect(set.contains(part), "\(part) in \(set)")
        }
        #expect(!set.contains("Domain"), "__Host- cookies carry no Domain")
        let plain = SessionCookie(secure: false, lifetime: 3600)
        #expect(plain.name == "rd_session" && !plain.set("x").contains("Secure"), "browsers refuse the prefix without Secure")
        #expect(https.clear().contains("Max-Age=0"))
    }

    @Test func theConfigTurnsSecureOnForAnHTTPSPublicURL() throws {
        var env = ["REELDESK_PUBLIC_URL": "https://portal.example.com"]
        #expect(try Config.fromEnvironment(env).isHTTPS)
        env["REELDESK_PUBLIC_URL"] = "http://127.0.0.1:8080"
        #expect(try !Config.fromEnvironment(env).isHTTPS)
        env["REELDESK_TRUSTED_USER_HEADER"] = "X-Remote-User: admin"
        #expect(throws: ConfigErrors.self) { try Config.fromEnvironment(env) }
    }
}
