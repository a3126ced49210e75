import FuzzTargets
import Foundation
import Testing

/// Every file under `Corpus/TARGET/` (the seeds `make fuzz` starts from, and every input that once
/// crashed, saved as `crash-*`) goes through its target on each `swift test`, without sanitizers:
/// a parser that traps or breaks a property on any of them fails here.
@Suite struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(_ target: FuzzTarget) throws -> [URL] {
        let dir = corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everySeedAndSavedCrashRunsClean(_ target: FuzzTarget) throws {
        let files = try Self.inputs(target)
        #expect(files.count >= 3, "\(target.rawValue) has a seed corpus")
        for file in files { target.run(Array(try Data(contentsOf: file))) }
    }

    @Test func everyTargetHasACorpusDirectory() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(names == FuzzTarget.allCases.map(\.rawValue).sorted())
    }
}
