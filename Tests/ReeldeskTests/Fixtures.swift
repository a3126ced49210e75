import Foundation
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
import ReeldeskWeb
import SQLite
import WebCore

/// Shared test fixtures: paths in the repo, temporary databases, sample images.
enum Fixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let templatesDir = repoRoot + "/templates"

    /// The task fragments as `serve` renders them, from the repo's templates.
    static func fragments() throws -> TaskFragments {
        TaskFragments(views: try Views.load(directory: templatesDir))
    }

    static func migratedDatabase() throws -> Database {
        let db = try Database(path: NSTemporaryDirectory() + "reeldesk-test-\(UUID().uuidString).sqlite3")
        try Schema.migrate(db)
        return db
    }

    static let parameters = VideoParameters(
        prompt: "a red fox <running> through snow", model: VideoLimits.model, duration: 6, aspectRatio: .tall,
        resolution: .p720, seed: 42, audio: true, cameraFixed: false, firstFrameURL: nil, lastFrameURL: nil)

    /// A minimal valid PNG header of the given size (IHDR only: enough for probing).
    static func pngHeader(_ w: UInt32, _ h: UInt32) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + be32(w) + be32(h) + [8, 2, 0, 0, 0]
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }

    /// The history's filter for a URL query, as the page reads it.
    static func filter(_ query: String) throws -> TaskFilter {
        try HistoryQuery.parse(try URLEncodedForm.decode(Array(query.utf8)), fromPage: true).filter
    }

    /// An account row as the store would return it (not stored).
    static func account(_ id: Int64, _ role: Role, budget: Double? = nil) -> Account {
        var a = Account.sample
        a.id = id
        a.name = "user\(id)"
        a.role = role
        a.monthlyBudgetUSD = budget
        return a
    }
}

extension Account {
    static var sample: Account {
        Account(id: 1, name: "user1", displayName: "User 1", role: .member, disabled: false, passwordHash: nil, monthlyBudgetUSD: nil)
    }
}

extension Viewer {
    static func testing(_ role: Role, id: Int64 = 1) -> Viewer {
        Viewer(account: Fixtures.account(id, role), sessionID: 1)
    }
}
