/// A process-long part with one way in and one way out: `start` returns at once, `shutdown`
/// drains and returns within a few seconds.
public protocol LongRunning: Sendable {
    func start()
    func shutdown()
}
