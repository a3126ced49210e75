import Foundation
import Synchronization

/// Fault injection for the simulator, by configuration (`REELDESK_SIM_FAULTS`, or a POST to
/// `/__sim/faults` with the same text) and by magic words in a prompt:
///
/// | word in the prompt | effect |
/// |---|---|
/// | `[sim:moderation]` | the task fails content moderation |
/// | `[sim:402]` | the submit is refused: no balance |
/// | `[sim:429]` | the first 3 submits get 429 (with `Retry-After: 1`) |
/// | `[sim:500]` | the first 3 status calls get 500 |
/// | `[sim:slow]` | every call about it waits 3 s before answering |
/// | `[sim:malformed]` | the first 2 status calls get a truncated JSON body |
/// | `[sim:never]` | the task never finishes (progress stops at 50) |
/// | `[sim:nofile]` | the finished video's URL answers 500 until it expires |
/// | `[sim:shortlink]` | the finished video's URL expires 3 s after completion |
/// | `[sim:leak401]` | the submit gets a 401 whose message echoes the API key |
/// | `[sim:leak400]` | the submit gets a 400 whose message echoes `Authorization: Bearer <key>` |
/// | `[sim:leak500]` | the first 3 submits get a 500 whose message echoes the key |
/// | `[sim:leakfail]` | the task fails with an error message that echoes the key |
/// | `[sim:echofail]` | the task fails with an error message that quotes the prompt |
///
/// Rates: `429=0.3,500=0.2,slow=0.1,malformed=0.1,402=0,file404=0.5` (each a probability per
/// call; `file404` per download of a finished video, which then answers 404 though it has not expired),
/// `slow_seconds=3`, and `rpm=600`: the upstream's own pace limit, requests per minute over a
/// sliding minute; beyond it every call gets 429 (counted as `pace_429` in the stats).
package final class SimulatorFaults: Sendable {
    package struct Rates: Sendable, Equatable {
        package var rateLimited = 0.0
        package var serverError = 0.0
        package var slow = 0.0
        package var malformed = 0.0
        package var noBalance = 0.0
        package var fileNotFound = 0.0
        package var slowSeconds = 3.0
        /// Requests per minute the simulated upstream accepts (0: no limit).
        package var requestsPerMinute = 0.0

        package init() {}

        /// Parses `429=0.3,500=0.2`; unknown names or bad numbers are an error.
        package static func parse(_ text: String) -> Rates? {
            var r = Rates()
            for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, let v = Double(kv[1]), v >= 0 else { return nil }
                switch kv[0] {
                case "429": r.rateLimited = v
                case "500": r.serverError = v
                case "slow": r.slow = v
                case "malformed": r.malformed = v
                case "402": r.noBalance = v
                case "file404": r.fileNotFound = v
                case "slow_seconds": r.slowSeconds = v
                case "rpm": r.requestsPerMinute = v
                default: return nil
                }
            }
            return r
        }
    }

    private let rates: Mutex<Rates>
    /// Per prompt-word counters (e.g. how many 429s a `[sim:429]` task has had).
    private let counters = Mutex<[String: Int]>([:])

    /// When the calls of the last minute arrived (for `rpm`).
    private let recent = Mutex<[Double]>([])

    package init(rates: Rates) { self.rates = Mutex(rates) }

    /// Records a call; false when it is beyond the `rpm` pace of the last 60 s.
    package func withinPace(now: Double) -> Bool {
        let limit = current.requestsPerMinute
        guard limit > 0 else { return true }
        return recent.withLock { calls in
            calls.removeAll { $0 <= now - 60 }
            guard Double(calls.count) < limit else { return false }
            calls.append(now)
            return true
        }
    }

    package var current: Rates { rates.withLock { $0 } }
    package func set(_ r: Rates) { rates.withLock { $0 = r } }

    /// Counts one more hit of `word` for `key`; true while the count is within `limit`.
    package func consume(_ word: String, key: String, limit: Int) -> Bool {
        counters.withLock { c in
            let k = word + "|" + key
            c[k, default: 0] += 1
            return c[k]! <= limit
        }
    }

    package static func has(_ word: String, in prompt: String) -> Bool { prompt.contains("[sim:\(word)]") }
}
