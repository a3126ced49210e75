import ReeldeskDomain
import ReeldeskStore

/// The search and filter form above the history: every field with its current value, so the
/// page shows what it was asked (and a bookmarked URL renders the same form).
package enum HistoryFilterView {
    package static func context(_ f: TaskFilter, accounts: [Account]) -> [String: Any] {
        func options<T: RawRepresentable & Equatable>(_ all: [T], _ selected: T?, label: (T) -> String) -> [[String: Any]] where T.RawValue == String {
            all.map { value in ["value": value.rawValue, "label": label(value), "selected": value == selected] }
        }
        return [
            "q": f.text,
            "statuses": options(TaskStatus.allCases, f.status) { $0.label },
            "resolutions": options(Resolution.allCases, f.resolution) { $0.rawValue },
            "ratios": options(AspectRatio.allCases, f.aspectRatio) { $0.rawValue },
            "audio_on": f.audio == true, "audio_off": f.audio == false,
            "owners": accounts.map { ["value": String($0.id), "label": $0.displayName, "selected": $0.id == f.ownerID] as [String: Any] },
            "from": f.from ?? "", "to": f.to ?? "", "tag": f.tag ?? "", "favourites": f.favourites,
            "active": !f.isEmpty,
            "family": f.family.map(String.init) ?? "", "all_attempts": f.allAttempts, "oldest_first": f.oldestFirst,
        ]
    }
}
