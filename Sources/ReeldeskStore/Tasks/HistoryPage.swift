import SQLite

/// One page of the history in the order asked for (newest first, or oldest first with
/// `sort=oldest`), from a keyset cursor: `before` an id (towards older tasks) or `after` one
/// (towards newer). Says whether older and newer tasks exist beyond it, for the pager's links.
package struct HistoryPage {
    package let keys: [(id: Int64, version: Int64)]
    /// The cursors of the neighbouring pages (nil: nothing that way).
    package let olderBefore: Int64?
    package let newerAfter: Int64?

    /// A page that lists nothing (the history asked with a value it cannot use).
    package static let empty = HistoryPage(keys: [], olderBefore: nil, newerAfter: nil)

    private init(keys: [(id: Int64, version: Int64)], olderBefore: Int64?, newerAfter: Int64?) {
        self.keys = keys
        self.olderBefore = olderBefore
        self.newerAfter = newerAfter
    }

    package static func load(_ visible: VisibleTasks, filter: TaskFilter, before: Int64?, after: Int64?, size: Int) throws -> HistoryPage {
        // Read upward (ascending ids) for a "newer" page or the first page of an oldest-first view.
        let upward = after != nil || (before == nil && filter.oldestFirst)
        let read = upward ? try visible.keys(after: after ?? 0, limit: size + 1, filter: filter)
                          : try visible.keys(before: before, limit: size + 1, filter: filter)
        let more = read.count > size
        var keys = Array(read.prefix(size))
        if upward != filter.oldestFirst { keys.reverse() }
        guard let low = keys.map(\.id).min(), let high = keys.map(\.id).max() else {
            return HistoryPage(keys: [], olderBefore: nil, newerAfter: nil)
        }
        let older = upward ? try visible.hasOlder(than: low, filter: filter) : more
        let newer = upward ? more : try visible.hasNewer(than: high, filter: filter)
        return HistoryPage(keys: keys, olderBefore: older ? low : nil, newerAfter: newer ? high : nil)
    }
}
