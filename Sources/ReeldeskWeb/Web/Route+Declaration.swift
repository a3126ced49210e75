import WebCore

extension Route {
    /// Who may use a route, what it answers and what its body is: declared here for every route
    /// (an exhaustive switch, so a new route does not compile without one) and checked once, in
    /// `App`, before any handler runs.
    package struct Declaration: Sendable {
        package let access: Access
        package let kind: Kind
        package let body: Body
    }

    /// Who may use a route.
    package enum Access: Sendable, Equatable {
        /// Anyone, signed in or not: health checks, the login page, signed upload links.
        case open
        /// Anyone signed in: reading pages, streams and media (filtered by visibility).
        case signedIn
        /// Members and admins: anything that creates, changes or spends.
        case member
        /// Admins only.
        case admin
    }

    /// What a route answers.
    package enum Kind: Sendable, Equatable {
        /// An HTML page a browser navigates to: nobody signed in is sent to the sign-in form.
        case page
        /// Streams, files and form actions: nobody signed in gets 401.
        case endpoint
        /// The JSON API: JSON in and out, errors too; 401 for nobody.
        case api
    }

    /// What a request's body is, and how it shows it came from our own pages.
    package enum Body: Sendable {
        /// No body is read.
        case none
        /// A browser form: decoded within these limits, and refused (403) unless it carries the
        /// form token of this browser (its session, or its nonce cookie when signed out).
        case form(FormLimits)
        /// JSON or a form from a script: an API token, or a session with the page's form token
        /// in `X-CSRF-Token` (APIHandlers checks which).
        case api
    }

    /// A small action form: the form token, a submission token, a field or two.
    private static let actionForm = FormLimits(maxFields: 8, maxFieldBytes: 1024, maxFileBytes: 0, maxParts: 8)
    private static let adminForm = FormLimits(maxFields: 16, maxFieldBytes: 4096, maxFileBytes: 0, maxParts: 16)

    package var declaration: Declaration {
        switch self {
        case .health, .apiDescription: Declaration(access: .open, kind: .endpoint, body: .none)
        case .upload: Declaration(access: .open, kind: .endpoint, body: .none)
        case .loginForm: Declaration(access: .open, kind: .page, body: .none)
        case .login: Declaration(access: .open, kind: .endpoint,
                                 body: .form(FormLimits(maxFields: 8, maxFieldBytes: 4096, maxFileBytes: 0, maxParts: 8)))
        case .home, .taskList, .compare, .task, .confirmDelete, .account: Declaration(access: .signedIn, kind: .page, body: .none)
        case .bulkDownload, .taskVideo, .taskPoster, .taskThumbnail, .taskFrame, .events:
            Declaration(access: .signedIn, kind: .endpoint, body: .none)
        case .apiTaskList, .apiTask: Declaration(access: .signedIn, kind: .api, body: .none)
        case .apiCreateTask: Declaration(access: .member, kind: .api, body: .api)
        case .createToken, .revokeToken, .setFavourite: Declaration(access: .signedIn, kind: .endpoint, body: .form(Self.actionForm))
        case .logout: Declaration(access: .signedIn, kind: .endpoint,
                                  body: .form(FormLimits(maxFields: 4, maxFieldBytes: 1024, maxFileBytes: 0, maxParts: 4)))
        case .createTask: Declaration(access: .member, kind: .endpoint, body: .form(NewTaskForm.limits))
        case .regenerate, .retry, .cancel, .deleteTask, .setVisibility:
            Declaration(access: .member, kind: .endpoint, body: .form(Self.actionForm))
        case .setTags: Declaration(access: .member, kind: .endpoint,
                                   body: .form(FormLimits(maxFields: 8, maxFieldBytes: 2048, maxFileBytes: 0, maxParts: 8)))
        case .admin, .adminUsers, .audit: Declaration(access: .admin, kind: .page, body: .none)
        case .auditCSV: Declaration(access: .admin, kind: .endpoint, body: .none)
        case .addUser, .updateUser, .saveSettings: Declaration(access: .admin, kind: .endpoint, body: .form(Self.adminForm))
        }
    }

    package var access: Access { declaration.access }
    /// JSON in and out; errors as JSON too (ErrorPages).
    package var isAPI: Bool { declaration.kind == .api }
    /// Without a session, a page redirects to the sign-in form; anything else answers 401.
    package var isPage: Bool { declaration.kind == .page }
}
