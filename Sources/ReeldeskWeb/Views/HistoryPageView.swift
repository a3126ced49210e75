import Templating

/// The history (pages/tasks): the filter form, a page of cards or rows, and the pager.
package struct HistoryPageView: Encodable {
    /// The grid's cards or the table's rows, rendered by their partials (RowFragmentCache).
    let cardsHTML: RenderedHTML?
    let rowsHTML: RenderedHTML?
    let grid: Bool
    let gridURL: String
    let listURL: String
    let hasTasks: Bool
    /// New tasks are inserted live only into the unfiltered first page; rows shown anywhere update live.
    let isFirstPage: Bool
    let isFiltered: Bool
    let canCompare = true
    let liveLimit: String
    let filter: HistoryFilterView
    let olderURL: String?
    let newerURL: String?
    /// A jump back to the first page, from anywhere else.
    let newestURL: String?
    let oldestFirst: Bool
    /// Query values that did not parse: named next to the form, and nothing is listed.
    let queryErrors: [Message]

    package struct Message: Encodable {
        let message: String
    }
}

/// The home page (pages/home): the new-task form for those who may submit, and the latest tasks.
package struct HomePageView: Encodable {
    let title: String
    let canSubmit: Bool
    let form: TaskFormView?
    let rowsHTML: RenderedHTML
    let hasTasks: Bool
    let isFirstPage = true
    let liveLimit: String
    /// The rows' compare boxes belong to the page's compare form, here as in the history.
    let canCompare: Bool
}

/// The new-task form around its fields (partials/task_form): per request, the submission token,
/// who may see the task, and this month's spend.
package struct TaskFormView: Encodable {
    /// The default fields rendered once (the same for everyone), or the fields to render.
    let fieldsHTML: RenderedHTML?
    let fields: NewTaskFormFields?
    let errors: FieldErrorsView?
    let submissionToken: String
    let visibilityOptions: [OptionView]
    let spend: Spend?

    package struct Spend: Encodable {
        let month: String
        let budget: String?
        let rateAudio: String
        let rateSilent: String
        let pixels: String
    }
}
