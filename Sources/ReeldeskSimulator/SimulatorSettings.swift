import Foundation
import ReeldeskSystem

/// The simulator's own settings, read from `REELDESK_SIM_*` when it starts (the portal reads
/// only the port and key it needs to reach it). Every bad variable is named at once.
package struct SimulatorSettings: Sendable, Equatable {
    /// How long a task takes from submit to a finished video (`REELDESK_SIM_SECONDS`).
    package var seconds: Double = 30
    /// How long a finished video stays downloadable (`REELDESK_SIM_EXPIRY_SECONDS`).
    package var expirySeconds: Double = 86_400
    /// Fault rates (`REELDESK_SIM_FAULTS`, e.g. `429=0.3,500=0.2`).
    package var faults = SimulatorFaults.Rates()

    package init() {}

    package static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigErrors) -> SimulatorSettings {
        var reader = EnvironmentReader(env: env)
        var s = SimulatorSettings()
        s.seconds = reader.number("REELDESK_SIM_SECONDS", default: s.seconds, range: 0.1...3600)
        s.expirySeconds = reader.number("REELDESK_SIM_EXPIRY_SECONDS", default: s.expirySeconds, range: 1...(86_400 * 30))
        if let faults = SimulatorFaults.Rates.parse(reader.string("REELDESK_SIM_FAULTS", default: "")) {
            s.faults = faults
        } else {
            reader.errors.append(ConfigError(variable: "REELDESK_SIM_FAULTS",
                                             reason: "expected name=rate pairs like 429=0.3,500=0.2,slow=0.1,malformed=0.1,402=0,slow_seconds=3"))
        }
        if !reader.errors.isEmpty { throw ConfigErrors(errors: reader.errors) }
        return s
    }
}
