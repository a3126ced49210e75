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

        // Pure Swift, no I/O: HTTP values and parsers, and the digests that sign tokens.
        .target(name: "Hashing"),
        .target(name: "WebCore"),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "WebCore", .product(name: "Logging", package: "swift-log")]),
        .target(name: "SQLite", dependencies: ["CSQLite3"]),
        .target(name: "Curl", dependencies: ["CCurl"]),
        // Mustache templates compiled at boot, rendered from typed view models.
        .target(name: "Templating", dependencies: ["WebCore"]),

        // The application, along the dependency direction (arrows point inward, never back;
        // `scripts/check_layers.py` checks every import against this list and refuses HTTP,
        // URLs and sentences in the inner two):
        //   Domain <- System <- Store <- Worker | Simulator | Web <- Reeldesk (composition root) <- reeldesk
        // Task parameters, statuses and their transitions, roles and visibility: no I/O, no words.
        .target(name: "ReeldeskDomain", dependencies: ["Hashing"]),
        // The process around the app: typed config, the data dir, child processes, logging.
        .target(name: "ReeldeskSystem", dependencies: ["ReeldeskDomain", .product(name: "Logging", package: "swift-log")]),
        // SQLite schema and migrations, transitions applied, event facts, refusal codes.
        .target(name: "ReeldeskStore", dependencies: ["ReeldeskDomain", "ReeldeskSystem", "SQLite", "Hashing", "CArgon2",
                                                      .product(name: "Logging", package: "swift-log")]),
        // Upstream client, poller, archive, webhooks.
        .target(name: "ReeldeskWorker", dependencies: ["ReeldeskDomain", "ReeldeskSystem", "ReeldeskStore", "SQLite", "Curl", "Hashing",
                                                       "FastCGI", .product(name: "Logging", package: "swift-log")]),
        // The upstream's stand-in on loopback, with its own settings.
        .target(name: "ReeldeskSimulator", dependencies: ["ReeldeskDomain", "ReeldeskSystem", "SQLite", "WebCore", "FastCGI", "Curl",
                                                          .product(name: "Logging", package: "swift-log")]),
        // Routes, per-request context, forms, CSRF, views and templates, API JSON, live payloads.
        .target(name: "ReeldeskWeb", dependencies: ["ReeldeskDomain", "ReeldeskSystem", "ReeldeskStore", "WebCore", "FastCGI", "SQLite", "Curl",
                                                    "Hashing", "Templating", .product(name: "Logging", package: "swift-log")]),
        // The composition root: builds the application for `serve`, `poller` and the tests.
        .target(
            name: "Reeldesk",
            dependencies: [
                "ReeldeskDomain", "ReeldeskSystem", "ReeldeskStore", "ReeldeskWorker", "ReeldeskSimulator", "ReeldeskWeb",
                "WebCore", "FastCGI", "SQLite", "Curl", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "reeldesk",
            dependencies: ["Reeldesk", "ReeldeskSystem", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Entry points of every parser that takes outside bytes, shared by the fuzzer and the tests.
        .target(name: "FuzzTargets", dependencies: ["CFastCGI", "WebCore", "FastCGI", "ReeldeskWorker", "ReeldeskWeb"]),

        .testTarget(name: "WebCoreTests", dependencies: ["WebCore", "Hashing"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl"]),
        .testTarget(name: "TemplatingTests", dependencies: ["Templating", .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "ReeldeskTests", dependencies: ["Reeldesk", "ReeldeskDomain", "ReeldeskSystem", "ReeldeskStore", "ReeldeskWorker",
                                                   "ReeldeskSimulator", "ReeldeskWeb", "WebCore", "SQLite", "FastCGI", "Curl", "Hashing", "Templating",
                                                   .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"], exclude: ["Corpus"]),
    ] + (fuzzing ? [
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "reeldesk-fuzz", dependencies: ["FuzzTargets", "CLibFuzzer"], swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ] : []),
    swiftLanguageModes: [.v6]
)
