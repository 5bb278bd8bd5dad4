// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "reader",
    // Mutex (the Synchronization module) asks for macOS 15 and iOS 18.
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "ReaderModels", targets: ["ReaderModels"]),
        .library(name: "ReaderFeeds", targets: ["ReaderFeeds"]),
        .library(name: "ReaderStore", targets: ["ReaderStore"]),
        .library(name: "ReaderHTTP", targets: ["ReaderHTTP"]),
        .library(name: "ReaderCurl", targets: ["ReaderCurl"]),
        .executable(name: "reader", targets: ["reader"]),
        .library(name: "ReaderFetch", targets: ["ReaderFetch"]),
        .library(name: "ReaderSync", targets: ["ReaderSync"]),
        .library(name: "ReaderServer", targets: ["ReaderServer"]),
        .executable(name: "reader-server", targets: ["reader-server"]),
        .executable(name: "reader-bench", targets: ["reader-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // gzip for the server's responses; the zlib wrapper Hummingbird's own compression
        // middleware is built on.
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        // The server's operator surface: structured logs, metrics, and /metrics in
        // Prometheus's text format (Hummingbird's MetricsMiddleware records through swift-metrics).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // `swift package generate-documentation --target ReaderStore` (and ReaderSync): the
        // DocC catalogs under Sources/*/*.docc. A build-time plugin only; nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // PostgreSQL storage for reader-server (`--database postgres://…`): only the
        // ReaderServerPostgres target links it, so the client libraries never do.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // libcurl, wrapped once: only ReaderCurl imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // One glibc allocator setting for the CLI's process (see its shim.h).
        .systemLibrary(name: "CAllocator"),
        // HTTP without a transport: the HTTPClient protocol and what it speaks, for the
        // libraries that must build where libcurl does not exist (iOS).
        .target(name: "ReaderHTTP", swiftSettings: strict),
        // The HTTPClient we ship and test, over libcurl: the CLI, the server and Linux apps.
        .target(name: "ReaderCurl", dependencies: ["ReaderHTTP", "CCurl"], swiftSettings: strict),
        .target(
            name: "ReaderModels",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(name: "ReaderFeeds", dependencies: ["ReaderModels"], swiftSettings: strict),
        .target(
            name: "ReaderStore",
            dependencies: ["ReaderModels", "ReaderFeeds", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // Fetching feeds over HTTP, for the client and the server alike (no store inside).
        .target(
            name: "ReaderFetch",
            dependencies: ["ReaderModels", "ReaderFeeds", "ReaderHTTP"],
            swiftSettings: strict
        ),
        .target(
            name: "ReaderSync",
            dependencies: ["ReaderModels", "ReaderStore", "ReaderHTTP", "ReaderFetch", "ReaderFeeds"],
            swiftSettings: strict
        ),
        .target(
            name: "ReaderServer",
            dependencies: [
                "ReaderModels", "ReaderFeeds", "ReaderFetch", "ReaderHTTP", "ReaderCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                // KDF.Scrypt for the GReader API passwords.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // The PostgreSQL engine behind the same repository protocol; a target of its own so
        // postgres-nio stays out of ReaderServer's tests and of everything a client links.
        .target(
            name: "ReaderServerPostgres",
            dependencies: [
                "ReaderServer", "ReaderModels", "ReaderFeeds", "ReaderFetch",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reader-server",
            dependencies: [
                "ReaderServer", "ReaderServerPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reader",
            dependencies: [
                "ReaderStore", "ReaderFeeds", "ReaderModels", "ReaderSync", "ReaderFetch", "ReaderHTTP", "ReaderCurl",
                "CAllocator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // SQLite's process-wide memory budget (Reader.main).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            exclude: ["Samples"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reader-bench",
            dependencies: [
                "ReaderStore", "ReaderFeeds", "ReaderModels", "ReaderHTTP", "ReaderCurl", "ReaderSync", "ReaderFetch",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // The core embedded as an app would: store, live unread count, background sync, a
        // note. Built and run in CI against a reader-server on loopback (.ci/example).
        .executableTarget(
            name: "reader-example",
            dependencies: ["ReaderStore", "ReaderSync", "ReaderHTTP", "ReaderCurl"],
            path: "Examples/reader-example",
            swiftSettings: strict
        ),
        .testTarget(name: "ReaderModelsTests", dependencies: ["ReaderModels"], swiftSettings: strict),
        .testTarget(
            name: "ReaderFeedsTests",
            dependencies: ["ReaderFeeds", "LoopbackHTTP"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReaderStoreTests",
            dependencies: ["ReaderStore", "LoopbackHTTP", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // A scriptable HTTP/1.1 server on loopback, for the tests of every networked module.
        .target(name: "LoopbackHTTP", path: "Tests/LoopbackHTTP", swiftSettings: strict),
        .testTarget(name: "ReaderHTTPTests", dependencies: ["ReaderHTTP", "ReaderCurl", "LoopbackHTTP"], swiftSettings: strict),
        .testTarget(
            name: "ReaderFetchTests",
            dependencies: ["ReaderFetch", "ReaderCurl", "LoopbackHTTP"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReaderSyncTests",
            dependencies: [
                "ReaderSync", "ReaderStore", "ReaderHTTP", "ReaderCurl", "ReaderFetch", "ContractSupport", "LoopbackHTTP",
                // The tests run the real binaries: the server on loopback, the CLI for crash tests;
                // the server on SQLite, or on PostgreSQL in the PostgreSQL pass.
                "reader-server", "reader", "PostgresSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "ReaderCLITests", dependencies: ["reader", "LoopbackHTTP"], swiftSettings: strict),
        // Reads the package graph (`swift package dump-package`): the client libraries
        // reach no CCurl.
        .testTarget(name: "PackageGraphTests", dependencies: ["LoopbackHTTP"], swiftSettings: strict),
        // Loads Schemas/ and validates JSON against it, for the server's and the client's tests.
        .target(name: "ContractSupport", dependencies: ["ReaderModels"], path: "Tests/ContractSupport", swiftSettings: strict),
        .testTarget(
            name: "ReaderServerTests",
            dependencies: [
                "ReaderServer", "ContractSupport", "ReaderFetch", "ReaderCurl", "LoopbackHTTP", "PostgresSupport",
                // The feed and retention suites run each test on both engines (EngineServer).
                "ReaderServerPostgres", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // One throwaway PostgreSQL cluster per test run (.ci/postgres), a fresh database per
        // test: for the PostgreSQL suites and the sync and server suites' PostgreSQL pass.
        .target(
            name: "PostgresSupport",
            dependencies: ["ReaderServerPostgres", "LoopbackHTTP", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/PostgresSupport",
            swiftSettings: strict
        ),
        // Against a real throwaway PostgreSQL cluster (.ci/postgres), never a fake.
        .testTarget(
            name: "ReaderServerPostgresTests",
            dependencies: [
                // The command-line tests run the built reader-server with --database.
                "ReaderServerPostgres", "ReaderServer", "ReaderModels", "reader-server", "ContractSupport",
                "PostgresSupport", "LoopbackHTTP",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
