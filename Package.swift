// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mini-compose",
    products: [
        .executable(name: "mini-compose", targets: ["MiniComposeCLI"]),
        .executable(name: "port_offset_server", targets: ["PortOffsetServer"]),
        .executable(name: "FakeRuntime", targets: ["FakeRuntime"]),
        .library(name: "MiniCompose", targets: ["MiniCompose"]),
        .library(name: "PortShift", targets: ["PortShift"]),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .target(name: "SystemKit"),
        .target(name: "HTTPKit", dependencies: ["CMicroHTTPD", "SystemKit"]),
        .target(name: "MiniCompose", dependencies: ["CYaml", "HTTPKit", "PortShift", "SystemKit"]),
        .executableTarget(name: "MiniComposeCLI", dependencies: ["HTTPKit", "MiniCompose", "PortShift", "SystemKit"]),
        .target(name: "PortShift", dependencies: ["SystemKit"]),
        .executableTarget(
            name: "PortOffsetServer",
            dependencies: ["PortShift", "SystemKit"],
            path: "Sources/port_offset_server"
        ),
        .executableTarget(name: "FakeRuntime", dependencies: ["SystemKit"]),
        .target(name: "TestSupport", dependencies: ["MiniCompose", "SystemKit"], path: "Tests/Support"),
        .testTarget(
            name: "UnitTests",
            dependencies: ["FakeRuntime", "HTTPKit", "MiniCompose", "PortShift", "SystemKit", "TestSupport"],
            path: "Tests/Unit"
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["HTTPKit", "MiniCompose", "PortShift", "SystemKit", "TestSupport"],
            path: "Tests/Integration"
        ),
    ]
)
