import Synchronization

/// A fragment rendered once per process from inputs fixed at boot (templates, configuration):
/// the default new-task form's fields.
package final class FragmentOnce: Sendable {
    private let cached = Mutex<String?>(nil)

    package func value(_ render: () throws -> String) throws -> String {
        if let v = cached.withLock({ $0 }) { return v }
        let v = try render()
        cached.withLock { $0 = v }
        return v
    }
}
