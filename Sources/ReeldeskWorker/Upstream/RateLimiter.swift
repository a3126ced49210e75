import Foundation
import Synchronization

/// One process-wide token bucket for every upstream call, plus a shared pause: a 429 with
/// `Retry-After` holds back all callers, not just the one that got it.
public final class RateLimiter: Sendable {
    private struct State {
        package var tokens: Double
        package var last: Double
        package var pausedUntil: Double = 0
    }

    private let state: Mutex<State>
    private let perSecond: Double
    private let burst: Double

    public init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
        self.state = Mutex(State(tokens: burst, last: Self.now()))
    }

    /// Blocks until a call may go out (or `deadline` passes: then false).
    public func acquire(deadline: Double = .infinity) -> Bool {
        while true {
            let wait: Double = state.withLock { s in
                let now = Self.now()
                s.tokens = min(burst, s.tokens + (now - s.last) * perSecond)
                s.last = now
                if now < s.pausedUntil { return s.pausedUntil - now }
                if s.tokens >= 1 {
                    s.tokens -= 1
                    return 0
                }
                return (1 - s.tokens) / perSecond
            }
            if wait == 0 { return true }
            if Self.now() + wait > deadline { return false }
            usleep(UInt32(min(wait, 1) * 1_000_000))
        }
    }

    /// Holds every caller back for `seconds`.
    public func pause(for seconds: Double) {
        state.withLock { $0.pausedUntil = max($0.pausedUntil, Self.now() + seconds) }
    }

    package static func now() -> Double { Date().timeIntervalSince1970 }
}

/// Exponential backoff with full jitter: attempt n waits a random time in
/// [base·2ⁿ/2, base·2ⁿ], capped.
public enum Backoff {
    public static func delay(attempt: Int, base: Double = 2, cap: Double = 300) -> Double {
        let ceiling = min(cap, base * pow(2, Double(min(attempt, 20))))
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}
