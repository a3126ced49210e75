import Templating

/// What the layout of every page shows: the title, the signed-in person and their links, the
/// banners, the notice of the last action, and what the page's script needs (the CSRF token,
/// where live updates come from and from which event on).
package struct LayoutView: Encodable {
    package struct Viewer: Encodable {
        let displayName: String
        let role: String
        let isAdmin: Bool
        let canSubmit: Bool
        let canSignOut: Bool
    }

    let pageTitle: String
    let csrfToken: String
    let simulated: Bool
    let requestID: String
    let lastEventID: String?
    let viewerID: String
    let viewer: Viewer?
    let alerts: [String]
    let flash: String?
}

/// The portal's fixed addresses, from the routes, for every page (the layout's navigation and
/// forms, and the pages' own forms): templates hold no paths of their own. Addresses of one
/// task or account come with that task's or account's view model.
package struct PortalURLs: Encodable {
    let urlHome = Route.home.path
    let urlHistory = Route.taskList.path
    let urlNewTask = Route.createTask.path
    let urlCompare = Route.compare.path
    let urlDownload = Route.bulkDownload.path
    let urlAccount = Route.account.path
    let urlLogin = Route.login.path
    let urlLogout = Route.logout.path
    let urlAdmin = Route.admin.path
    let urlAdminUsers = Route.adminUsers.path
    let urlAdminAudit = Route.audit.path
    let urlAdminSettings = Route.saveSettings.path
    let urlAPIDescription = Route.apiDescription.path
    let urlEvents = Route.events.path

    /// Encoded once: the same for every page.
    package static let value: TemplateValue = (try? TemplateEncoder.value(of: PortalURLs())) ?? .absent
}
