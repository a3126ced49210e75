import Synchronization
import WebCore

/// Bounds how many worker threads may be inside a writing request at once. While another
/// process holds SQLite's write lock, writers wait (up to the busy timeout); without this gate
/// a burst of POSTs would hold every worker and pages would wait too. Past the bound a POST is
/// answered 503 at once, so pages and `/healthz` always find a free worker.
package final class WriteGate: Sendable {
    private let inside = Atomic<Int>(0)
    package let limit: Int

    package init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` holding a slot, or throws 503 when every slot is taken.
    package func withSlot<T>(_ body: () throws -> T) throws -> T {
        let n = inside.add(1, ordering: .acquiring).newValue
        defer { inside.subtract(1, ordering: .releasing) }
        guard n <= limit else {
            throw HTTPError(.serviceUnavailable, "Reeldesk is busy saving other changes. Please try again in a moment.")
        }
        return try body()
    }
}
