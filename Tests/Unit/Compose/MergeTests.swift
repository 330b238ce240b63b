import MiniCompose
import TestSupport
import Testing

@Suite struct MergeTests {
    /// Loads `compose.yaml` then `override.yaml`, as `-f compose.yaml -f override.yaml`.
    private func load(_ base: String, _ override: String) throws -> ComposeProject {
        let directory = ComposeFixtureDirectory()
        try directory.write("compose.yaml", base)
        try directory.write("override.yaml", override)
        var options = ComposeLoadOptions(workingDirectory: directory.path, environment: [:])
        options.files = ["compose.yaml", "override.yaml"]
        return try ComposeLoader(options: options).load()
    }

    @Test func laterFileOverridesScalarsAndMergesEnvironmentByName() throws {
        let project = try load(
            "services:\n  a:\n    image: x:1\n    environment: [A=1, B=1]\n",
            "services:\n  a:\n    image: x:2\n    environment:\n      B: 2\n      C: 3\n")
        let service = try #require(project.services["a"])
        #expect(service.image == "x:2")
        #expect(service.environment.map { "\($0.name)=\($0.value ?? "")" } == ["A=1", "B=2", "C=3"])
    }

    @Test func portsAreConcatenatedAndCommandIsReplaced() throws {
        let project = try load(
            "services:\n  a:\n    image: x\n    command: [serve, --quiet]\n    ports: [\"80:80\"]\n",
            "services:\n  a:\n    command: [debug]\n    ports: [\"80:80\", \"9229:9229\"]\n")
        let service = try #require(project.services["a"])
        #expect(service.command == ["debug"])
        #expect(service.ports.map(\.target) == [80, 9229])
    }

    @Test func volumesMergeByTargetAndDependenciesByService() throws {
        let project = try load(
            """
            services:
              a:
                image: x
                volumes: ["./one:/data", "./logs:/logs"]
                depends_on: [b]
              b:
                image: y
            """,
            """
            services:
              a:
                volumes: ["./two:/data"]
                depends_on:
                  b:
                    condition: service_healthy
              b:
                healthcheck:
                  test: [CMD, "true"]
            """
        )
        let service = try #require(project.services["a"])
        #expect(service.volumes.map(\.target) == ["/data", "/logs"])
        #expect(service.volumes.first?.source?.hasSuffix("/two") == true)
        #expect(service.dependsOn.map(\.condition) == [.healthy])
        #expect(project.services["b"]?.healthcheck?.test == .command(["true"]))
    }

    @Test func overrideFileMayAddServices() throws {
        let project = try load(
            "services:\n  a:\n    image: x\n", "services:\n  b:\n    image: y\n    depends_on: [a]\n")
        #expect(project.serviceNames == ["a", "b"])
    }

    @Test func errorInTheOverrideFileNamesThatFile() throws {
        #expect {
            _ = try load("services:\n  a:\n    image: x\n", "services:\n  a:\n    restart: sometimes\n")
        } throws: { error in
            let diagnostic = (error as? ComposeError)?.errors.first
            return diagnostic?.location.file.hasSuffix("override.yaml") == true && diagnostic?.location.line == 3
        }
    }
}
