// swift-tools-version:6.0
import PackageDescription

// `make fuzz` sets REELDESK_FUZZ=1 and builds with `-sanitize=fuzzer,address`; the fuzzer binary
// needs libFuzzer's runtime, so ordinary builds leave it out.
let fuzzing = Context.environment["REELDESK_FUZZ"] == "1"

let package = Package(
    name: "Reeldesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reeldesk", targets: ["reeldesk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries: the only places C is imported.
        .systemLibrary(name: "CFastCGI", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),

        // Pure Swift, no I/O.
        .target(name: "WebCore"),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "WebCore", .product(name: "Logging", package: "swift-log")]),
        .target(name: "SQLite", dependencies: ["CSQLite3"]),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .target(
            name: "Reeldesk",
            dependencies: [
                "WebCore", "FastCGI", "SQLite", "Curl", "CArgon2",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "reeldesk",
            dependencies: ["Reeldesk", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Entry points of every parser that takes outside bytes, shared by the fuzzer and the tests.
        .target(name: "FuzzTargets", dependencies: ["WebCore", "FastCGI", "Reeldesk"]),

        .testTarget(name: "WebCoreTests", dependencies: ["WebCore"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl"]),
        .testTarget(name: "ReeldeskTests", dependencies: ["Reeldesk", "WebCore", "SQLite", "FastCGI", "Curl"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"], exclude: ["Corpus"]),
    ] + (fuzzing ? [
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "reeldesk-fuzz", dependencies: ["FuzzTargets", "CLibFuzzer"], swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ] : []),
    swiftLanguageModes: [.v6]
)
