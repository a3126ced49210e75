import Testing
import WebCore
@testable import Reeldesk

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
