/// A name as a template writes it (`family.history_url`, `.`), split and mapped to the view
/// model's Swift spelling once, when the template is compiled: `history_url` → `historyURL`,
/// `request_id` → `requestID`, `cards_html` → `cardsHTML`. Acronyms after the first word are
/// upper case, as the Swift API guidelines spell them.
public struct TemplateName: Sendable, Equatable {
    /// Empty for `{{.}}`, the value in hand.
    let parts: [String]
    let written: String

    static let acronyms: [String: String] = [
        "url": "URL", "urls": "URLs", "id": "ID", "ids": "IDs", "html": "HTML", "csrf": "CSRF", "iso": "ISO", "usd": "USD",
        "api": "API", "utc": "UTC", "json": "JSON", "csv": "CSV",
    ]

    init(_ written: String) {
        self.written = written
        parts = written == "." ? [] : written.split(separator: ".", omittingEmptySubsequences: false).map { Self.swiftName(String($0)) }
    }

    /// `snake_case` as Swift spells it (lowerCamelCase, acronyms upper case after the first word).
    public static func swiftName(_ snake: String) -> String {
        let words = snake.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = words.first else { return snake }
        var out = String(first)
        for w in words.dropFirst() {
            let word = String(w)
            out += acronyms[word] ?? (word.prefix(1).uppercased() + word.dropFirst())
        }
        return out
    }
}
