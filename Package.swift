// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "reader",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "ReaderModels", targets: ["ReaderModels"]),
        .library(name: "ReaderFeeds", targets: ["ReaderFeeds"]),
        .library(name: "ReaderStore", targets: ["ReaderStore"]),
        .library(name: "ReaderHTTP", targets: ["ReaderHTTP"]),
        .executable(name: "reader", targets: ["reader"]),
        .executable(name: "reader-bench", targets: ["reader-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // libcurl, wrapped once: only ReaderHTTP imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "ReaderHTTP", dependencies: ["CCurl"], swiftSettings: strict),
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
        .executableTarget(
            name: "reader",
            dependencies: [
                "ReaderStore", "ReaderFeeds", "ReaderModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Samples"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reader-bench",
            dependencies: [
                "ReaderStore", "ReaderFeeds", "ReaderModels", "ReaderHTTP",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "ReaderModelsTests", dependencies: ["ReaderModels"], swiftSettings: strict),
        .testTarget(
            name: "ReaderFeedsTests",
            dependencies: ["ReaderFeeds"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReaderStoreTests",
            dependencies: ["ReaderStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(name: "ReaderHTTPTests", dependencies: ["ReaderHTTP"], swiftSettings: strict),
        .testTarget(name: "ReaderCLITests", dependencies: ["reader"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
