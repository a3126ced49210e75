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

    @Test func compareTakesTwoToFourDistinctIds() {
        #expect(Router.parseIDs(["3", "7,3", "9"], limit: 4) == [3, 7, 9])
        #expect(Router.parseIDs(["0", "-1", "01", "x", "2"], limit: 4) == [2])
        #expect(Router.parseIDs(["1,2,3,4,5,6"], limit: CompareHandler.maxTasks).count == CompareHandler.maxTasks + 1, "too many is refused, not cut")
    }
}
