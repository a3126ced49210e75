@testable import Reeldesk
import ReeldeskWeb
import Testing

@Suite struct ImageProbeTests {
    @Test func png() {
        #expect(ImageProbe.probe(Fixtures.pngHeader(640, 360)) == ImageInfo(format: .png, width: 640, height: 360))
    }

    @Test func gif() {
        let b = Array("GIF89a".utf8) + Fixtures.le16(500) + Fixtures.le16(400) + [0, 0, 0]
        #expect(ImageProbe.probe(b) == ImageInfo(format: .gif, width: 500, height: 400))
    }

    @Test func bmpTopDown() {
        var b = Array("BM".utf8) + [UInt8](repeating: 0, count: 12) + Fixtures.le32(40)
        b += Fixtures.le32(800) + Fixtures.le32(Int(UInt32(bitPattern: -600)))
        #expect(ImageProbe.probe(b) == ImageInfo(format: .bmp, width: 800, height: 600))
    }

    @Test func jpegSkipsSegmentsToSOF() {
        let app0: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + [UInt8](repeating: 0, count: 14)
        let sof: [UInt8] = [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0xD0, 0x05, 0x00, 0x03] + [UInt8](repeating: 0, count: 9)
        let b: [UInt8] = [0xFF, 0xD8] + app0 + sof
        #expect(ImageProbe.probe(b) == ImageInfo(format: .jpeg, width: 1280, height: 720))
    }

    @Test func webpExtended() {
        let b = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [UInt8](repeating: 0, count: 8) + [0x1F, 0x03, 0x00, 0x57, 0x02, 0x00]
        #expect(ImageProbe.probe(b) == ImageInfo(format: .webp, width: 800, height: 600))
    }

    @Test func tiffLittleEndian() {
        var b: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + Fixtures.le32(8) + Fixtures.le16(2)
        b += Fixtures.le16(256) + Fixtures.le16(3) + Fixtures.le32(1) + Fixtures.le16(1000) + [0, 0]
        b += Fixtures.le16(257) + Fixtures.le16(3) + Fixtures.le32(1) + Fixtures.le16(700) + [0, 0]
        #expect(ImageProbe.probe(b) == ImageInfo(format: .tiff, width: 1000, height: 700))
    }

    @Test func notAnImage() {
        #expect(ImageProbe.probe(Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8)) == nil)
        #expect(ImageProbe.probe([]) == nil)
        #expect(ImageProbe.probe([0x89, 0x50, 0x4E, 0x47]) == nil)
    }
}
