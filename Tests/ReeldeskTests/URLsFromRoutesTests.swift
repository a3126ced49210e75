import Foundation
import Testing

/// Addresses are built from `Route` (Swift), handed to templates by view models and to the
/// JavaScript by data attributes: no template, script or Swift file outside the routes spells a
/// portal path. (`/static/` is nginx's, not a route.)
@Suite struct URLsFromRoutesTests {
    static let portalPrefixes = ["/tasks", "/compare", "/download", "/events", "/login", "/logout", "/admin", "/account",
                                 "/api/", "/uploads", "/healthz"]

    static func files(_ dir: String, ending: String) -> [String] {
        let root = Fixtures.repoRoot + "/" + dir
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(ending) }.sorted().map { root + "/" + $0 }
    }

    /// `"/…` literals that start with a portal path, as `file:line: text`.
    static func spelledPaths(in path: String) throws -> [String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        return lines.enumerated().compactMap { n, line in
            let code = line.components(separatedBy: "//").first ?? line
            let hit = portalPrefixes.contains { code.contains("\"\($0)") || (code.contains("=\"/\"") || code.contains("href=\"/\"")) }
            return hit ? "\((path as NSString).lastPathComponent):\(n + 1): \(line.trimmingCharacters(in: .whitespaces).prefix(100))" : nil
        }
    }

    @Test func templatesSpellNoPortalPath() throws {
        let found = try Self.files("templates", ending: ".mustache").filter { !$0.hasSuffix("openapi.json.mustache") }.flatMap(Self.spelledPaths)
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func scriptsSpellNoPortalPath() throws {
        let found = try Self.files("Public/js", ending: ".js").flatMap(Self.spelledPaths)
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func swiftSpellsPortalPathsOnlyInTheRoutes() throws {
        // The routes themselves, the JSON-or-page decision for nginx's own errors (by URL space),
        // and the API's bearer tokens (accepted under /api/ only) are the allowed places.
        let allowed = ["Route.swift", "ErrorPages.swift", "Authenticator.swift"]
        let found = try Self.files("Sources/ReeldeskWeb", ending: ".swift")
            .filter { path in !allowed.contains { path.hasSuffix("/" + $0) } }.flatMap(Self.spelledPaths)
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
