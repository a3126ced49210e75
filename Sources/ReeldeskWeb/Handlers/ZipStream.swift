import Foundation

/// Writes a zip archive front to back as its entries are added, never holding a file whole:
/// entries are stored (videos do not compress), each followed by a data descriptor with the
/// CRC-32 and sizes found while copying (general-purpose flag bit 3), then the central
/// directory. Plain zip (no Zip64): an archive stays under 4 GB (`maxBytes`).
package struct ZipStream {
    private let send: ([UInt8]) -> Bool
    private var offset: UInt64 = 0
    private var central: [UInt8] = []
    private var count = 0
    package private(set) var failed = false

    package static let maxBytes: UInt64 = 0xFFFF_0000
    package static let chunk = 256 * 1024

    package init(send: @escaping ([UInt8]) -> Bool) { self.send = send }

    package enum ZipError: Error { case tooLarge, unreadable(String) }

    /// Adds bytes already in memory (a CSV).
    package mutating func add(name: String, bytes: [UInt8], modified: Date = Date()) throws {
        try add(name: name, modified: modified) { emit in _ = emit(bytes) }
    }

    /// Adds a file from disk, in chunks.
    package mutating func add(name: String, file path: String, modified: Date = Date()) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ZipError.unreadable(path) }
        defer { try? handle.close() }
        try add(name: name, modified: modified) { emit in
            while let data = try? handle.read(upToCount: Self.chunk), !data.isEmpty {
                if !emit(Array(data)) { return }
            }
        }
    }

    private mutating func add(name: String, modified: Date, body: (([UInt8]) -> Bool) -> Void) throws {
        guard !failed else { return }
        let nameBytes = Array(name.utf8)
        let (time, date) = Self.dosTime(modified)
        let headerOffset = offset
        // Local header: version 2.0, flags: data descriptor (bit 3) + UTF-8 names (bit 11), stored.
        var local: [UInt8] = []
        local += le32(0x0403_4B50) + le16(20) + le16(0x0808) + le16(0) + le16(time) + le16(date)
        local += le32(0) + le32(0) + le32(0) + le16(UInt16(nameBytes.count)) + le16(0) + nameBytes
        emit(local)
        var crc = CRC32()
        var size: UInt64 = 0
        var tooLarge = false
        body { bytes in
            guard !failed else { return false }
            size += UInt64(bytes.count)
            if offset + UInt64(bytes.count) > Self.maxBytes { tooLarge = true; return false }
            crc.update(bytes)
            emit(bytes)
            return !failed
        }
        if tooLarge { failed = true; throw ZipError.tooLarge }
        emit(le32(0x0807_4B50) + le32(crc.value) + le32(UInt32(size)) + le32(UInt32(size)))
        central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0x0808) + le16(0) + le16(time) + le16(date)
        central += le32(crc.value) + le32(UInt32(size)) + le32(UInt32(size)) + le16(UInt16(nameBytes.count))
        central += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(headerOffset)) + nameBytes
        count += 1
    }

    /// The central directory and its end record.
    package mutating func finish() {
        let start = offset
        let directory = central
        emit(directory)
        emit(le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
             + le32(UInt32(directory.count)) + le32(UInt32(start)) + le16(0))
    }

    private mutating func emit(_ bytes: [UInt8]) {
        guard !failed else { return }
        if !send(bytes) { failed = true }
        offset += UInt64(bytes.count)
    }

    package static func dosTime(_ d: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let date = UInt16(max(0, (c.year ?? 1980) - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, date)
    }
}

private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

/// CRC-32 (IEEE 802.3, as zip uses it), table-driven.
package struct CRC32 {
    package private(set) var value: UInt32 = 0
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    package mutating func update(_ bytes: [UInt8]) {
        var c = ~value
        Self.table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        value = ~c
    }

    package init(value: UInt32 = 0) {
        self.value = value
    }
}
