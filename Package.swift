// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "papersite",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "papersite", targets: ["papersite"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // Debian: libcmark-gfm-dev, libcmark-gfm-extensions-dev (pkg-config libcmark-gfm).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // The only code that touches the cmark-gfm C API.
        .target(name: "PaperMarkdown", dependencies: ["CCmarkGFM"]),
        // One system call that Swift's Glibc module lacks (renameat2).
        .target(name: "CSystemShims"),
        // The build pipeline, one folder per stage.
        .target(
            name: "PapersiteCore",
            dependencies: [
                "PaperMarkdown",
                "CSystemShims",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `papersite serve`: the preview server with live reload, on
        // FlyingSocks (FlyingFox's socket layer, without its HTTP layer,
        // which links Foundation's networking and so libcurl).
        .target(
            name: "PapersiteServe",
            dependencies: ["PapersiteCore", .product(name: "FlyingSocks", package: "FlyingFox")]
        ),
        // The command line: arguments, terminal, exit codes.
        .executableTarget(
            name: "papersite",
            dependencies: [
                "PapersiteCore",
                "PapersiteServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzzing harness (libFuzzer with -DFUZZING, else a replayer); see CONTRIBUTING.md.
        .executableTarget(name: "papersite-fuzz", dependencies: ["PapersiteCore"]),
        .testTarget(name: "PaperMarkdownTests", dependencies: ["PaperMarkdown"]),
        .testTarget(name: "PapersiteCoreTests", dependencies: ["PapersiteCore"], exclude: ["Fixtures"]),
        .testTarget(name: "PapersiteCLITests", dependencies: ["papersite"]),
    ]
)
