import Templating

/// The portal's templates (`templates/`), compiled once at boot (Templating). A template that
/// does not compile, or uses what the renderer does not do, stops the boot with its file and line.
public struct Views: Sendable {
    package let templates: Templates

    public typealias LoadError = Templates.LoadError
    public typealias MissingTemplate = Templates.RenderError

    /// Loads every `*.mustache` under `directory`, named by relative path without extension
    /// (`pages/home`, `partials/task_row`, `layout`).
    public static func load(directory: String) throws -> Views {
        Views(templates: try Templates.load(directory: directory))
    }

    /// `name` rendered from a typed view model.
    package func render(_ name: String, _ model: some Encodable) throws -> String {
        try templates.render(name, model)
    }

    /// `name` rendered from a page's view model with the layout's values and the portal's
    /// addresses behind it.
    package func render(_ name: String, _ model: some Encodable, layout: LayoutView) throws -> String {
        try templates.render(name, values: [PortalURLs.value, try TemplateEncoder.value(of: layout), try TemplateEncoder.value(of: model)])
    }

    /// A template that takes no values (the OpenAPI description).
    package func render(_ name: String) throws -> String {
        try templates.render(name, value: .object([:]))
    }
}
