import Foundation
import ReeldeskDomain
import ReeldeskStore
import WebCore

/// The history's filters as they travel in the URL
/// (`/tasks?q=fox+-snow&status=completed&from=2026-11-01`); `HistoryQuery` reads them back.
extension TaskFilter {
    /// The URL query for these filters (no cursor), `&`-joined, empty when there are none.
    package var query: String {
        var items: [(String, String)] = []
        if !text.isEmpty { items.append(("q", text)) }
        if let status { items.append(("status", status.rawValue)) }
        if let resolution { items.append(("resolution", resolution.rawValue)) }
        if let aspectRatio { items.append(("ratio", aspectRatio.rawValue)) }
        if let audio { items.append(("audio", audio ? "on" : "off")) }
        if let ownerID { items.append(("owner", String(ownerID))) }
        if let from { items.append(("from", from)) }
        if let to { items.append(("to", to)) }
        if let tag { items.append(("tag", tag)) }
        if favourites { items.append(("fav", "1")) }
        if let family { items.append(("family", String(family))) }
        if allAttempts { items.append(("attempts", "all")) }
        if oldestFirst { items.append(("sort", "oldest")) }
        return items.map { URLEncodedForm.encode($0.0) + "=" + URLEncodedForm.encode($0.1) }.joined(separator: "&")
    }
}
