import FastCGI
import Foundation
import Logging
import ReeldeskSystem
import Synchronization

/// `reeldesk simulator`: the upstream's two endpoints on loopback (a FastCGI socket behind the
/// same nginx, on its own port), plus a renderer thread that turns ripe tasks into MP4s.
public final class SimulatorApp: Sendable {
    package let context: SimulatorContext
    package let server: FastCGIServer
    private let stopping = Mutex<Bool>(false)

    public init(config: Config, logger: Logger) throws {
        let settings = try SimulatorSettings.fromEnvironment()
        try DataDirectory.prepare(config)
        let context = SimulatorContext(config: config, settings: settings, faults: SimulatorFaults(rates: settings.faults), logger: logger)
        try FileManager.default.createDirectory(atPath: context.filesDir, withIntermediateDirectories: true)
        _ = try SimulatorStore(path: context.databasePath)  // migrate before threads start
        self.context = context
        var fcgi = FastCGIConfig(socketPath: config.simulatorSocketPath, workers: 16, maxBodyBytes: 1 << 20)
        fcgi.socketGroup = config.socketGroup
        self.server = try FastCGIServer(config: fcgi, logger: logger, hub: nil) { SimulatedUpstream(context: context) }
    }

    public func start() {
        server.start()
        let t = Thread { [self] in renderLoop() }
        t.name = "sim-render"
        t.start()
        context.logger.info("simulator up", metadata: ["url": "\(context.baseURL)", "seconds": "\(context.settings.seconds)"])
    }

    public func shutdown() {
        stopping.withLock { $0 = true }
        server.shutdown()
    }

    private func renderLoop() {
        guard let store = try? SimulatorStore(path: context.databasePath) else { return }
        let renderer = SimulatorRenderer(filesDir: context.filesDir, logger: context.logger, timeout: max(60, context.config.toolTimeoutSeconds * 2))
        while !stopping.withLock({ $0 }) {
            let now = Date().timeIntervalSince1970
            let ripe: [SimulatorStore.Task]
            do {
                ripe = try store.ripe(now: now, seconds: context.settings.seconds)
            } catch {
                context.logger.error("simulator cannot read its tasks", metadata: ["error": "\(error)"])
                ripe = []
            }
            for task in ripe where !SimulatorFaults.has("never", in: task.request.prompt) {
                finish(task, store: store, renderer: renderer)
            }
            usleep(200_000)
        }
    }

    private func finish(_ task: SimulatorStore.Task, store: SimulatorStore, renderer: SimulatorRenderer) {
        do {
            if SimulatorFaults.has("moderation", in: task.request.prompt) {
                try store.fail(task.id, error: "The prompt was rejected by content moderation (request_id: 20261127\(Int.random(in: 1000...9999))).")
                return
            }
            if SimulatorFaults.has("leakfail", in: task.request.prompt) {
                try store.fail(task.id, error: "Generation failed for api_key \(context.config.simulatorKey) (Bearer \(context.config.simulatorKey))")
                return
            }
            if SimulatorFaults.has("echofail", in: task.request.prompt) {
                // Some upstreams quote the input back in their errors: whatever it holds.
                try store.fail(task.id, error: "Generation failed for prompt: \(task.request.prompt)")
                return
            }
            let file = try renderer.render(task)
            let expiry = SimulatorFaults.has("shortlink", in: task.request.prompt) ? 3 : context.settings.expirySeconds
            try store.finish(task.id, file: file, now: Date().timeIntervalSince1970, expiry: expiry)
        } catch {
            context.logger.warning("simulated task failed", metadata: ["task": "\(task.id)", "error": "\(error)"])
            try? store.fail(task.id, error: "\(error)")
        }
    }
}

extension SimulatorApp: LongRunning {}
