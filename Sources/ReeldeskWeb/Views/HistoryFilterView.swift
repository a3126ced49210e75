import ReeldeskDomain
import ReeldeskStore

/// The search and filter form above the history: every field with its current value, so the
/// page shows what it was asked (and a bookmarked URL renders the same form).
package struct HistoryFilterView: Encodable {
    let q: String
    let statuses: [OptionView]
    let resolutions: [OptionView]
    let ratios: [OptionView]
    let audioOn: Bool
    let audioOff: Bool
    let owners: [OptionView]
    let from: String?
    let to: String?
    let tag: String?
    let favourites: Bool
    /// Something is filtered (the Clear link).
    var active: Bool
    let family: String?
    let allAttempts: Bool
    let oldestFirst: Bool

    package init(_ f: TaskFilter, accounts: [Account]) {
        func options<T: RawRepresentable & Equatable>(_ all: [T], _ selected: T?, label: (T) -> String) -> [OptionView] where T.RawValue == String {
            all.map { OptionView(value: $0.rawValue, label: label($0), selected: $0 == selected) }
        }
        q = f.text
        statuses = options(TaskStatus.allCases, f.status) { $0.label }
        resolutions = options(Resolution.allCases, f.resolution) { $0.rawValue }
        ratios = options(AspectRatio.allCases, f.aspectRatio) { $0.rawValue }
        audioOn = f.audio == true
        audioOff = f.audio == false
        owners = accounts.map { OptionView(value: String($0.id), label: $0.displayName, selected: $0.id == f.ownerID) }
        from = f.from
        to = f.to
        tag = f.tag
        favourites = f.favourites
        active = !f.isEmpty
        family = f.family.map(String.init)
        allAttempts = f.allAttempts
        oldestFirst = f.oldestFirst
    }
}
