import Foundation
import ReeldeskDomain
import ReeldeskStore
import WebCore

/// The history's filters as they travel in the URL
/// (`/tasks?q=fox+-snow&status=completed&from=2026-11-01`). Unknown or malformed values are
/// ignored, never an error: a link keeps working.
extension TaskFilter {
    package init(_ q: FormData) {
        self.init()
        text = String((q["q"] ?? "").prefix(Self.maxTextLength)).trimmingCharacters(in: .whitespaces)
        status = q["status"].flatMap(TaskStatus.init(rawValue:))
        resolution = q["resolution"].flatMap(Resolution.init(rawValue:))
        aspectRatio = q["ratio"].flatMap(AspectRatio.init(rawValue:))
        audio = q["audio"].flatMap { $0 == "on" ? true : $0 == "off" ? false : nil }
        ownerID = q["owner"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        from = q["from"].flatMap(Self.day)
        to = q["to"].flatMap(Self.day)
        tag = q["tag"].flatMap { TaskTags.parse($0).first }
        favourites = q["fav"] == "1"
        family = q["family"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        allAttempts = q["attempts"] == "all"
        oldestFirst = q["sort"] == "oldest"
    }

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
