import Synchronization

/// Rendered history rows, kept by task id with the task's `version`: a row is identical for
/// every viewer until its task changes, and every change bumps the version, so a fragment is
/// used only while its version is the task's. The template (`partials/task_row`) stays the one
/// source of the HTML; this keeps its output. Bounded: past `capacity` entries the cache starts
/// over (cheap, and a history page refills it with 50 renders).
final class RowFragmentCache: Sendable {
    private struct Entry {
        let version: Int64
        let html: String
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    /// Keeps fragments; past `capacity` the cache starts over.
    func store(_ made: [(id: Int64, version: Int64, html: String)]) {
        entries.withLock { e in
            if e.count + made.count > capacity { e.removeAll(keepingCapacity: true) }
            for m in made { e[m.id] = Entry(version: m.version, html: m.html) }
        }
    }

    var count: Int { entries.withLock { $0.count } }

    /// The rows of `keys` (id, version) in order: cached fragments as they are, the others loaded
    /// with `load` (one query for all of them), rendered and kept.
    func rows(_ keys: [(id: Int64, version: Int64)], views: Views, load: ([Int64]) throws -> [TaskRecord]) throws -> String {
        // One lock for the whole page (a lock per row made 32 workers queue on it).
        var html: [String?] = entries.withLock { e in
            keys.map { k in e[k.id].flatMap { $0.version == k.version ? $0.html : nil } }
        }
        var missing: [Int64: Int] = [:]
        for (i, k) in keys.enumerated() where html[i] == nil { missing[k.id] = i }
        if !missing.isEmpty {
            var made: [(id: Int64, version: Int64, html: String)] = []
            for t in try load(Array(missing.keys)) {
                guard let i = missing[t.id] else { continue }
                let f = try views.render("partials/task_row", TaskViews.row(t))
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

