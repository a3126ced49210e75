/// Identifies an image by its bytes (never by name or declared type) and reads its pixel size
/// from the header. Covers the formats the upstream accepts (CONTRACT.md §5).
public struct ImageInfo: Sendable, Equatable {
    public enum Format: String, Sendable { case jpeg, png, webp, bmp, tiff, gif, heic }
    public let format: Format
    public let width: Int
    public let height: Int

    /// File extension to store it under.
    public var fileExtension: String { format == .jpeg ? "jpg" : format.rawValue }

    package init(format: Format, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }
}

public enum ImageProbe {
    /// The format and size, or nil when the bytes are not a supported image we can measure.
    public static func probe(_ b: [UInt8]) -> ImageInfo? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(b) }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return jpeg(b) }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return gif(b) }
        if b.starts(with: Array("BM".utf8)) { return bmp(b) }
        if b.starts(with: Array("RIFF".utf8)), b.count >= 30, Array(b[8..<12]) == Array("WEBP".utf8) { return webp(b) }
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return tiff(b) }
        if b.count >= 12, Array(b[4..<8]) == Array("ftyp".utf8) { return heic(b) }
        return nil
    }

    package static func be16(_ b: [UInt8], _ i: Int) -> Int { i + 1 < b.count ? Int(b[i]) << 8 | Int(b[i + 1]) : 0 }
    package static func le16(_ b: [UInt8], _ i: Int) -> Int { i + 1 < b.count ? Int(b[i + 1]) << 8 | Int(b[i]) : 0 }
    package static func be32(_ b: [UInt8], _ i: Int) -> Int { i + 3 < b.count ? be16(b, i) << 16 | be16(b, i + 2) : 0 }
    package static func le32(_ b: [UInt8], _ i: Int) -> Int { i + 3 < b.count ? le16(b, i + 2) << 16 | le16(b, i) : 0 }

    package static func sized(_ f: ImageInfo.Format, _ w: Int, _ h: Int) -> ImageInfo? {
        w > 0 && h > 0 ? ImageInfo(format: f, width: w, height: h) : nil
    }

    package static func png(_ b: [UInt8]) -> ImageInfo? {
        guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        return sized(.png, be32(b, 16), be32(b, 20))
    }

    package static func gif(_ b: [UInt8]) -> ImageInfo? {
        b.count >= 10 ? sized(.gif, le16(b, 6), le16(b, 8)) : nil
    }

    package static func bmp(_ b: [UInt8]) -> ImageInfo? {
        guard b.count >= 26 else { return nil }
        // BITMAPINFOHEADER stores a signed height (negative = top-down).
        let h = Int32(truncatingIfNeeded: le32(b, 22))
        return sized(.bmp, le32(b, 18), Int(h.magnitude))
    }

    /// Walks JPEG segments to the first start-of-frame marker.
    package static func jpeg(_ b: [UInt8]) -> ImageInfo? {
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = be16(b, i + 2)
            let isSOF = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isSOF { return sized(.jpeg, be16(b, i + 7), be16(b, i + 5)) }
            guard length >= 2 else { return nil }
            i += 2 + length
        }
        return nil
    }

    package static func webp(_ b: [UInt8]) -> ImageInfo? {
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8 ": // lossy: frame header after a 3-byte tag and start code
            return sized(.webp, le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF)
        case "VP8L": // lossless: 14-bit width-1 and height-1 packed after the signature byte
            guard b.count >= 25 else { return nil }
            let bits = le32(b, 21)
            return sized(.webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X": // extended: 24-bit canvas width-1 and height-1
            let w = Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16
            let h = Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16
            return sized(.webp, w + 1, h + 1)
        default:
            return nil
        }
    }

    /// Reads ImageWidth (256) and ImageLength (257) from the first IFD.
    package static func tiff(_ b: [UInt8]) -> ImageInfo? {
        let little = b[0] == 0x49
        let u16 = { (i: Int) in little ? le16(b, i) : be16(b, i) }
        let u32 = { (i: Int) in little ? le32(b, i) : be32(b, i) }
        let ifd = u32(4)
        guard ifd >= 8, ifd + 2 <= b.count else { return nil }
        var w = 0, h = 0
        for n in 0..<min(u16(ifd), 512) {
            let e = ifd + 2 + n * 12
            guard e + 12 <= b.count else { break }
            let value = u16(e + 2) == 3 ? u16(e + 8) : u32(e + 8)
            switch u16(e) {
            case 256: w = value
            case 257: h = value
            default: break
            }
        }
        return sized(.tiff, w, h)
    }

    /// HEIF: the brand must be an image brand; the size is in the first `ispe` property.
    package static func heic(_ b: [UInt8]) -> ImageInfo? {
        let brand = String(decoding: b[8..<12], as: UTF8.self)
        guard ["heic", "heix", "heim", "heis", "mif1", "msf1"].contains(brand) else { return nil }
        let needle = Array("ispe".utf8)
        let limit = min(b.count, 1 << 20) - 16
        var i = 12
        while i < limit {
            if b[i] == needle[0] && Array(b[i..<i + 4]) == needle { return sized(.heic, be32(b, i + 8), be32(b, i + 12)) }
            i += 1
        }
        return nil
    }
}
