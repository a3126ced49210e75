import Foundation
import Logging
@testable import Reeldesk
import ReeldeskWeb
import SQLite
import Testing
import WebCore

@Suite struct CompareTests {
    @Test func promptDiffMarksWhatDiffersInWordsAndInChineseCharacters() {
        let s = PromptDiff.segments("a red fox in snow", against: "a grey fox in the snow")
        #expect(s.filter(\.changed).map(\.text) == ["red"])
        #expect(s.map(\.text).joined() == "a red fox in snow", "the text is whole")
        let zh = PromptDiff.segments("一只红色的狐狸", against: "一只白色的狐狸")
        #expect(zh.filter(\.changed).map(\.text) == ["红"])
        #expect(PromptDiff.segments("same", against: "same") == [.init(text: "same", changed: false)])
        let markup = PromptDiff.segments("<b>x</b>", against: "")
        #expect(markup.allSatisfy { $0.changed } && markup.map(\.text).joined() == "<b>x</b>", "markup is just text to the diff")
    }

    @Test func compareTakesTwoToFourDistinctIds() throws {
        func ids(_ query: String) throws -> [Int64] { try ChosenTasks.parse(try URLEncodedForm.decode(Array(query.utf8)), limit: 4).ids }
        #expect(try ids("ids=3&ids=7,3&ids=9") == [3, 7, 9])
        for bad in ["ids=0", "ids=-1", "ids=01", "ids=x", "ids=2,", "ids=2&ids="] {
            #expect(throws: ParameterErrors.self, "\(bad)") { try ids(bad) }
        }
        #expect(try ids("ids=1,2,3,4,5,6").count == CompareHandler.maxTasks + 1, "too many is refused, not cut")
    }
}
