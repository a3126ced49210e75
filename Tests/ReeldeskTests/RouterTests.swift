@testable import Reeldesk
import ReeldeskWeb
import Testing
import WebCore

@Suite struct RouterTests {
    @Test func routesMatch() {
        #expect(Router.match(.get, "/") == .found(.home))
        #expect(Router.match(.head, "/") == .found(.home))
        #expect(Router.match(.get, "/tasks") == .found(.taskList))
        #expect(Router.match(.get, "/tasks/") == .found(.taskList))
        #expect(Router.match(.post, "/tasks") == .found(.createTask))
        #expect(Router.match(.get, "/tasks/12") == .found(.task(id: 12)))
        #expect(Router.match(.get, "/events") == .found(.events))
        #expect(Router.match(.get, "/healthz") == .found(.health))
    }

    @Test func badIDsAreNotFound() {
        for path in ["/tasks/0", "/tasks/012", "/tasks/-1", "/tasks/abc", "/tasks/99999999999999999999", "/tasks/1/2", "/nope"] {
            #expect(Router.match(.get, path) == .notFound, "\(path)")
        }
    }

    @Test func wrongMethodListsAllowed() {
        #expect(Router.match(.delete, "/tasks") == .methodNotAllowed(allowed: [.get, .head, .post]))
        #expect(Router.match(.post, "/") == .methodNotAllowed(allowed: [.get, .head]))
        #expect(Router.match(.other("BREW"), "/events") == .methodNotAllowed(allowed: [.get, .head]))
    }
}

@Suite struct AccessRuleTests {
    /// One sample of every route (the switch in `Route.path` is exhaustive, so a new case
    /// fails to compile there first).
    static let routes: [Route] = [.home, .taskList, .createTask, .task(id: 1), .taskVideo(id: 1), .taskPoster(id: 1), .regenerate(id: 1),
                                  .retry(id: 1), .cancel(id: 1), .deleteTask(id: 1), .confirmDelete(id: 1), .events, .health,
                                  .taskFrame(id: 1, which: .first), .setVisibility(id: 1), .upload(name: String(repeating: "a", count: 32) + ".png"),
                                  .loginForm, .login, .logout, .admin, .adminUsers, .addUser, .updateUser(id: 1), .saveSettings, .audit, .auditCSV]

    @Test func everyRouteRoundTripsThroughItsPath() {
        for route in Self.routes {
            let method: HTTPMethod = [.createTask, .regenerate(id: 1), .retry(id: 1), .cancel(id: 1), .deleteTask(id: 1), .setVisibility(id: 1),
                                      .login, .logout, .addUser, .updateUser(id: 1), .saveSettings].contains(route) ? .post : .get
            #expect(Router.match(method, route.path) == .found(route), "\(route)")
        }
    }

    @Test func everyRouteThatChangesSomethingNeedsAMemberOrAnAdmin() {
        for route in Self.routes where route != .login && route != .logout {
            if case .found(let r) = Router.match(.post, route.path), r == route {
                #expect(route.access == .member || route.access == .admin, "\(route) is a POST route")
            }
        }
        #expect(Route.health.access == .open && Route.loginForm.access == .open && Route.login.access == .open)
        #expect(Route.upload(name: "x").access == .open, "the signature is the access rule")
        #expect(Route.events.access == .signedIn, "streams are per viewer")
        #expect([Route.admin, .adminUsers, .addUser, .updateUser(id: 1), .saveSettings, .audit, .auditCSV].allSatisfy { $0.access == .admin })
    }

    @Test func rolesAreCheckedInOrder() {
        let viewer = Viewer.testing(.viewer), member = Viewer.testing(.member), admin = Viewer.testing(.admin)
        #expect(viewer.may(.signedIn) && !viewer.may(.member) && !viewer.may(.admin))
        #expect(member.may(.member) && !member.may(.admin))
        #expect(admin.may(.admin) && admin.may(.member) && admin.may(.open))
        #expect(Viewer.anonymous.may(.open) && !Viewer.anonymous.may(.signedIn))
        #expect(Self.routes.filter { Viewer.anonymous.may($0.access) }.allSatisfy { [.health, .loginForm, .login].contains($0) || $0.path.hasPrefix("/uploads/") })
    }
}
