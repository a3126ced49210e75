import CLibFuzzer
import FuzzTargets
import Glibc

// `reeldesk-fuzz --target=NAME [libFuzzer options] [corpus dirs]`: one binary for every target,
// built only by `make fuzz` (scripts/fuzz.sh) with `-sanitize=fuzzer,address`. libFuzzer ignores
// options that start with `--`, so the target travels as one.

nonisolated(unsafe) var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let arguments = (0..<Int(argc.pointee)).compactMap { argv.pointee?[$0].map { String(cString: $0) } }
    selected = arguments.first { $0.hasPrefix("--target=") }.flatMap { FuzzTarget(rawValue: String($0.dropFirst(9))) }
    if selected == nil {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        let usage = "usage: reeldesk-fuzz --target=NAME [libFuzzer options] [corpus dirs]\ntargets: \(names)\n"
        _ = usage.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected?.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// SwiftPM points an executable's `main` at `<module>_main`: hand over to libFuzzer's driver.
@_cdecl("reeldesk_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { testOneInput($0, $1) }
}
