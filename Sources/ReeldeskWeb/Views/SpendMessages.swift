import ReeldeskStore

/// The words for a refused submission (rendered at the edge; the refusal itself is data).
extension SpendRefusal {
    package var message: String {
        switch self {
        case .personalBudget(let budget, let committed, let cost):
            "Refused: this video's estimated cost of \(Formatting.usd(cost)) would bring your spend this month to \(Formatting.usd(committed + cost)), " +
                "\(Formatting.usd(overBy)) over your monthly budget of \(Formatting.usd(budget)). Nothing was sent upstream."
        case .teamBudget(let budget, let committed, let cost):
            "Refused: this video's estimated cost of \(Formatting.usd(cost)) would bring the team's spend this month to \(Formatting.usd(committed + cost)), " +
                "\(Formatting.usd(overBy)) over the team's monthly budget of \(Formatting.usd(budget)). Nothing was sent upstream."
        case .inFlight(let cap):
            "Refused: you already have \(cap) task(s) queued or running, the most one person may have at once. Wait for one to finish. Nothing was sent upstream."
        }
    }
}
