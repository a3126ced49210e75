import Foundation
@testable import Reeldesk
import ReeldeskWeb
import Testing

@Suite struct ZipStreamTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        var c = CRC32()
        c.update(Array("123456789".utf8))
        #expect(c.value == 0xCBF4_3926)
    }

    @Test func anArchiveIsWrittenInPiecesAndEndsWithItsDirectory() throws {
        var pieces: [[UInt8]] = []
        var zip = ZipStream { pieces.append($0); return true }
        try zip.add(name: "tasks.csv", bytes: Array("id\r\n1\r\n".utf8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID()).bin").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: ZipStream.chunk * 2 + 5))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try zip.add(name: "一只狐狸.mp4", file: path)
        zip.finish()
        let bytes = pieces.flatMap { $0 }
        #expect(pieces.count > 6, "written as it goes, not at the end")
        #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        let end = Array(bytes.suffix(22))
        #expect(Array(end.prefix(4)) == [0x50, 0x4B, 0x05, 0x06] && end[10] == 2, "two entries in the directory")
    }

    @Test func aClientThatLeavesStopsTheWriting() throws {
        var sent = 0
        var zip = ZipStream { _ in sent += 1; return sent < 3 }
        try zip.add(name: "a", bytes: [1, 2, 3])
        try zip.add(name: "b", bytes: [4])
        zip.finish()
        #expect(zip.failed && sent == 3)
    }
}
