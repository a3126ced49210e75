import Foundation
import ReeldeskDomain

/// Every change of a task's status, named, in one place: nothing else assigns `status`. Each
/// transition also sets the fields that belong to it (a terminal state clears the next check,
/// an accepted submit records the upstream id and the time), so a state cannot be half-entered.
/// The active/terminal sets come from `TaskStatus.isTerminal`, which the SQL and the pages use.
extension TaskRecord {
    /// queued → submitted: the upstream accepted the task.
    package mutating func accept(upstreamID: String, at now: Double, firstCheckAt: Double) {
        status = .submitted
        upstreamTaskID = upstreamID
        submittedAt = now
        lastProgressAt = now
        attempts = 0
        errorMessage = nil
        nextCheckAt = firstCheckAt
    }

    /// submitted/processing: the upstream reports it waiting or running (progress only grows,
    /// and stops at 99 until the video is archived).
    package mutating func run(started: Bool, progress reported: Int?, at now: Double, nextCheckAt next: Double) {
        let previous = (status, progress)
        status = started ? .processing : .submitted
        if let reported { progress = max(progress, min(99, reported)) }
        if (status, progress) != previous { lastProgressAt = now }
        nextCheckAt = next
    }

    /// → downloading: the upstream finished; the video is fetched now, for at most `window`.
    package mutating func finishUpstream(videoURL: String, expiresAt: Double?, at now: Double, window: Double) {
        status = .downloading
        progress = 100
        upstreamVideoURL = videoURL
        upstreamExpiresAt = min(expiresAt ?? now + 86_400, now + window)
        nextCheckAt = now
    }

    /// → completed: the video is archived here.
    package mutating func complete(video archived: ArchivedVideo, at now: Double) {
        status = .completed
        progress = 100
        completedAt = now
        nextCheckAt = nil
        attempts = 0
        errorMessage = nil
        video = archived
        finalCostUSD = finalCost(of: archived)
    }

    /// The estimate scaled by the tokens of the video actually made (CONTRACT.md §6: tokens =
    /// w × h × (24 × seconds + 1) / 1024), so the team's rates at submit time still apply.
    package func finalCost(of v: ArchivedVideo) -> Double {
        let (w, h) = parameters.resolution.pixels(for: parameters.aspectRatio)
        let planned = Double(w * h) * Double(24 * parameters.duration + 1)
        let made = Double(v.width * v.height) * (24 * v.seconds + 1)
        guard planned > 0, made > 0 else { return estimatedCostUSD }
        return estimatedCostUSD * made / planned
    }

    /// → failed, with the reason people see.
    package mutating func fail(_ message: String) { end(.failed, message) }

    /// → timed out: no progress for too long.
    package mutating func timeOut(_ message: String) { end(.timedOut, message) }

    /// → expired: the link died before the video was saved (or the upstream says so).
    package mutating func expire(_ message: String) { end(.expired, message) }

    /// → cancelled: a person stopped it (no message), or the upstream did.
    package mutating func cancel(_ message: String? = nil) { end(.cancelled, message) }

    /// A step that will be tried again: the reason (if people should see it) and when.
    package mutating func retryLater(at next: Double, message: String? = nil) {
        attempts += 1
        if let message { errorMessage = message }
        nextCheckAt = next
    }

    private mutating func end(_ terminal: TaskStatus, _ message: String?) {
        precondition(terminal.isTerminal)
        status = terminal
        errorMessage = message
        nextCheckAt = nil
    }
}
