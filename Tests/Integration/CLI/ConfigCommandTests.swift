import Foundation
import TestSupport
import Testing

/// Runs the built `mini-compose` binary as a user or a CI pipeline would.
@Suite struct ConfigCommandTests {
    private func fixture(_ kind: String, _ name: String) throws -> ComposeFixture {
        try #require(ComposeFixture.all(kind).first { $0.name == name })
    }

    private func config(_ fixture: ComposeFixture, _ extra: [String] = []) throws -> BinaryResult {
        try BinaryRunner.run(
            "mini-compose", ["config"] + fixture.arguments + extra, in: fixture.directory.path,
            environment: ComposeFixture.environment)
    }

    @Test(arguments: ["depends-on-conditions", "multi-file-merge", "interpolation-operators", "extends-other-file"])
    func configPrintsTheGoldenOutputAndExitsZero(_ name: String) throws {
        let fixture = try fixture("good", name)
        let result = try config(fixture)
        #expect(result.exitCode == 0)
        #expect(fixture.normalize(result.stdout) == fixture.expected("expected.yaml", actual: nil))
        #expect(fixture.normalize(result.stderr) == (fixture.expected("expected-warnings.txt", actual: nil) ?? ""))
    }

    @Test(arguments: ["cycle-three", "unknown-dependency", "invalid-yaml", "not-utf8", "directory-not-file"])
    func invalidFileExitsOneWithTheGoldenMessageOnStderr(_ name: String) throws {
        let fixture = try fixture("bad", name)
        let result = try config(fixture)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(fixture.normalize(result.stderr) == fixture.expected("expected.txt", actual: nil))
    }

    @Test func quietValidatesSilentlyAndWarningsOnlyFailUnderStrict() throws {
        let warned = try fixture("good", "version-obsolete")
        let quiet = try config(warned, ["--quiet"])
        #expect(quiet.exitCode == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        let strict = try config(warned, ["--quiet", "--strict"])
        #expect(strict.exitCode == 1)
        #expect(strict.stderr.contains("warning: the top-level version key is obsolete"))
        let invalid = try config(try fixture("bad", "cycle-two"), ["-q"])
        #expect(invalid.exitCode == 1)
        #expect(invalid.stderr.contains("dependency cycle: a -> b -> a"))
    }

    @Test func jsonFormatCarriesTheSameProject() throws {
        let fixture = try fixture("good", "depends-on-conditions")
        let result = try config(fixture, ["--format", "json"])
        #expect(result.exitCode == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let services = object?["services"] as? [String: Any]
        let web = services?["web"] as? [String: Any]
        let db = (web?["depends_on"] as? [String: Any])?["db"] as? [String: Any]
        #expect(db?["condition"] as? String == "service_healthy")
        #expect(Set(services?.keys.map { $0 } ?? []) == ["web", "db", "migrate", "cache"])
    }

    @Test func servicesFlagListsNamesAndPositionalServicesSelectASubset() throws {
        let fixture = try fixture("good", "depends-on-list")
        #expect(try config(fixture, ["--services"]).stdout == "api\ncache\ndb\nweb\n")
        #expect(try config(fixture, ["--services", "api"]).stdout == "api\ndb\n")
    }

    @Test func graphPrintsLevelsAndDot() throws {
        let fixture = try fixture("good", "diamond")
        let levels = try BinaryRunner.run("mini-compose", ["graph"], in: fixture.directory.path, environment: [:])
        #expect(levels.exitCode == 0)
        #expect(levels.stdout == "level 0: a\nlevel 1: b, c\nlevel 2: d\nlevel 3: e\n")
        let dot = try BinaryRunner.run(
            "mini-compose", ["graph", "--dot", "d"], in: fixture.directory.path, environment: [:])
        #expect(dot.stdout.hasPrefix("digraph \"diamond\" {"))
        #expect(dot.stdout.contains("\"d\" -> \"b\" [label=\"service_started\"];"))
        #expect(!dot.stdout.contains("\"e\""))
    }

    @Test func usageErrorsExitTwoAndNameTheProblem() throws {
        let unknownOption = try BinaryRunner.run("mini-compose", ["config", "--bogus"], environment: [:])
        #expect(unknownOption.exitCode == 2)
        #expect(unknownOption.stderr.contains("unknown option --bogus"))
        let unknownCommand = try BinaryRunner.run("mini-compose", ["confg"], environment: [:])
        #expect(unknownCommand.exitCode == 2)
        #expect(unknownCommand.stderr.contains("did you mean \"config\""))
        let badFormat = try BinaryRunner.run("mini-compose", ["config", "--format", "xml"], environment: [:])
        #expect(badFormat.exitCode == 2)
    }

    @Test func helpAndVersion() throws {
        let help = try BinaryRunner.run("mini-compose", ["--help"], environment: [:])
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("config") && help.stdout.contains("graph"))
        let configHelp = try BinaryRunner.run("mini-compose", ["config", "--help"], environment: [:])
        #expect(configHelp.stdout.contains("--quiet"))
        let version = try BinaryRunner.run("mini-compose", ["--version"], environment: [:])
        #expect(version.stdout.hasPrefix("mini-compose "))
    }

    @Test func noComposeFileInTheDirectoryIsAClearError() throws {
        let empty = ComposeFixtureDirectory()
        let result = try BinaryRunner.run("mini-compose", ["config"], in: empty.path, environment: [:])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("no compose file found"))
    }
}
