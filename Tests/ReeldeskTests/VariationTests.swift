import Foundation
import Logging
@testable import Reeldesk
import ReeldeskDomain
import SQLite
import Testing
import WebCore

@Suite struct VariationTests {
    @Test func plansStartWithTheFormAndStepOneParameter() {
        var p = Fixtures.parameters
        p.duration = 11
        p.aspectRatio = .square
        #expect(Variations.plan(p, count: 4, vary: .aspectRatio).map(\.aspectRatio) == [.square, .wide, .tall, .classic])
        #expect(Variations.plan(p, count: 4, vary: .resolution).map(\.resolution) == [.p720, .p480, .p1080], "three resolutions")
        #expect(Variations.plan(p, count: 4, vary: .duration).map(\.duration) == [11, 10, 12, 9])
        let seeds = Variations.plan(p, count: 3, vary: .seed)
        #expect(seeds.map(\.seed) == [42, nil, nil] && Set(seeds.map(\.prompt)).count == 1, "the others are drawn when stored")
        #expect(Variations.plan(p, count: 9, vary: .seed).count == Variations.max && Variations.plan(p, count: 0, vary: .seed).count == 1)
    }
}
