// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "OneShotKit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "oneshot", targets: ["oneshot"]),
        // The grader as a C-ABI shared library (compared with the --serve worker in Benchmarks/reward_paths.py).
        .library(name: "OneShotGrader", type: .dynamic, targets: ["GraderC"]),
        .library(name: "Corpus", targets: ["Corpus"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Grading", targets: ["Grading"]),
        .library(name: "Selection", targets: ["Selection"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "JSON", targets: ["JSON"]),
        .library(name: "Reports", targets: ["Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // TOML for `oneshot pipeline` configs (toml++ underneath: line and column in syntax errors).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Tests only: a local HTTP server speaking the Ray Jobs API, for the Ray client's tests.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // System libraries, from Debian's -dev packages (`make deps` installs them).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // OpenSSL's libcrypto, for SHA-256 (it uses the CPU's SHA instructions: about 2 GB/s here).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // BLAS for the built-in engine's matrix products: OpenBLAS's header (<cblas.h>, which libopenblas-dev
        // installs on the default include path); the library is opened at first use (Engine/OpenBLAS.swift),
        // not linked, so commands that never multiply a matrix do not start its spinning threads.
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        // Parquet's codecs.
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Libraries, one per concern.
        .target(name: "JSON"),
        .target(name: "Store", dependencies: ["CSQLite"]),
        .target(name: "Grading"),
        .target(name: "GraderC", dependencies: ["Grading"]),
        .target(name: "Corpus", dependencies: ["JSON", "Parquet", "Store", "Grading", "CLibXML2", "CCrypto"]),
        .target(name: "Parquet", dependencies: ["JSON", "CSnappy", "CZstd", "CZlib"]),
        .target(name: "Selection", dependencies: ["JSON", "Store", "Corpus", "Grading"]),
        .target(name: "Reports", dependencies: ["Store", "Selection", "Grading"]),
        // Optimised in debug builds too: `make test` trains and samples small models through the CLI, and the
        // engine's own kernels (PackedGEMM) unoptimised made the suite 60% slower.
        .target(name: "Engine", dependencies: ["CBLAS", "Grading", .product(name: "RealModule", package: "swift-numerics")],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // verl for real LLMs: presets, run folders, the reward module, reading runs back. Apart from Engine,
        // which is numerics only: this side is files, processes and HTTP.
        .target(name: "Verl", dependencies: ["JSON", "Parquet", "Corpus", "Store", "Selection", "Grading"]),

        // The command-line tool: thin commands over the libraries.
        .executableTarget(name: "oneshot", dependencies: [
            "JSON", "Store", "Corpus", "Grading", "Selection", "Parquet", "Reports", "Engine", "Verl",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),

        .executableTarget(name: "oneshot-bench", dependencies: ["Parquet", "JSON", "Grading", "Engine"]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "GradingTests", dependencies: ["Grading"]),
        .testTarget(name: "CorpusTests", dependencies: ["JSON", "Corpus", "Store"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "JSON", "Corpus", "Store"], exclude: ["Fixtures"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Grading"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Store", "Corpus", "Selection"]),
        .testTarget(name: "SelectionTests", dependencies: ["Selection", "JSON", "Corpus", "Store"], exclude: ["Fixtures"]),
        .testTarget(name: "VerlTests", dependencies: [
            "Verl", "JSON",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "OneshotTests", dependencies: ["oneshot", "Parquet", "JSON", "Store"]),
    ]
)
