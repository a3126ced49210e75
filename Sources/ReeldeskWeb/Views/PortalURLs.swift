/// The portal's fixed addresses, from the routes, for every page (the layout's navigation and
/// forms, and the pages' own forms): templates hold no paths of their own. Addresses of one
/// task or account come with that task's or account's view model.
package enum PortalURLs {
    package static let layout: [String: String] = [
        "url_home": Route.home.path,
        "url_history": Route.taskList.path,
        "url_new_task": Route.createTask.path,
        "url_compare": Route.compare.path,
        "url_download": Route.bulkDownload.path,
        "url_account": Route.account.path,
        "url_login": Route.login.path,
        "url_logout": Route.logout.path,
        "url_admin": Route.admin.path,
        "url_admin_users": Route.adminUsers.path,
        "url_admin_audit": Route.audit.path,
        "url_admin_settings": Route.saveSettings.path,
        "url_api_description": Route.apiDescription.path,
        "url_events": Route.events.path,
    ]
}
