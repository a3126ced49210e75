import ReeldeskStore
import Synchronization

/// Rendered history rows, kept by task id with the task's `version`: a row is identical for
/// every viewer until its task changes, and every change bumps the version, so a fragment is
/// used only while its version is the task's. The template (`partials/task_row`) stays the one
/// source of the HTML; this keeps its output. Bounded: past `capacity` entries the cache starts
/// over (cheap, and a history page refills it with 50 renders).
package final class RowFragmentCache: Sendable {
    private struct Entry {
        package let version: Int64
        package let html: String
    }

    /// An immutable generation of the cache: readers take it under the lock (one retain) and
    /// look rows up outside it; a writer makes the next generation. Under load, 16 workers
    /// looking up 50 rows each inside one lock spent 3 % of the responder in the lock's slow path.
    private final class Generation: Sendable {
        package let entries: [Int64: Entry]
        package init(_ entries: [Int64: Entry]) { self.entries = entries }
    }

    private let current = Mutex(Generation([:]))
    package let capacity: Int
    /// The partial each fragment is rendered from (a table row, or a grid card).
    package let template: String

    package init(template: String = "partials/task_row", capacity: Int = 5_000) {
        self.template = template
        self.capacity = capacity
    }

    /// Keeps fragments; past `capacity` the cache starts over. Misses are rare once pages are
    /// warm, so copying the dictionary here is cheaper than locking every read.
    package func store(_ made: [(id: Int64, version: Int64, html: String)]) {
        guard !made.isEmpty else { return }
        current.withLock { g in
            var e = g.entries.count + made.count > capacity ? [:] : g.entries
            for m in made { e[m.id] = Entry(version: m.version, html: m.html) }
            g = Generation(e)
        }
    }

    package var count: Int { current.withLock { $0 }.entries.count }

    /// One task's fragment: kept if its version is the task's, else rendered and kept.
    package func fragment(_ t: TaskRecord, views: Views) throws -> String {
        if let e = current.withLock({ $0 }).entries[t.id], e.version == t.version { return e.html }
        let html = try views.render(template, TaskRowView(t))
        store([(t.id, t.version, html)])
        return html
    }

    /// The rows of `keys` (id, version) in order: cached fragments as they are, the others loaded
    /// with `load` (one query for all of them), rendered and kept.
    package func rows(_ keys: [(id: Int64, version: Int64)], views: Views, load: ([Int64]) throws -> [TaskRecord]) throws -> String {
        let entries = current.withLock { $0 }.entries
        var html: [String?] = keys.map { k in entries[k.id].flatMap { $0.version == k.version ? $0.html : nil } }
        var missing: [Int64: Int] = [:]
        for (i, k) in keys.enumerated() where html[i] == nil { missing[k.id] = i }
        if !missing.isEmpty {
            var made: [(id: Int64, version: Int64, html: String)] = []
            for t in try load(Array(missing.keys)) {
                guard let i = missing[t.id] else { continue }
                let f = try views.render(template, TaskRowView(t))
                html[i] = f
                // Kept under the version it was rendered from (a newer one just renders anew).
                made.append((t.id, t.version, f))
            }
            store(made)
        }
        var out = ""
        out.reserveCapacity(html.reduce(0) { $0 + ($1?.utf8.count ?? 0) })
        for f in html { if let f { out += f } }
        return out
    }
}
