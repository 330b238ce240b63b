import Testing

@testable import FakeRuntime

@Suite struct FlagParserTests {
    let specs: [FlagSpec] = [
        .value("-e", "--env"), .value("--name"), .bool("-d", "--detach"), .bool("-i", "--interactive"),
    ]

    @Test func flagsStopAtTheImageSoTheCommandKeepsItsOwnFlags() throws {
        let parsed = try FlagParser.parse(
            ["-d", "--name=web", "-eA=1", "-e", "B=2", "img", "ls", "-d"], specs: specs, command: "run",
            stopAtPositional: true)
        #expect(parsed.has("--detach"))
        #expect(parsed.last("--name") == "web")
        #expect(parsed.all("--env") == ["A=1", "B=2"])
        #expect(parsed.positionals == ["img", "ls", "-d"])
    }

    @Test func booleanSetToFalseCountsAsNotGiven() throws {
        let parsed = try FlagParser.parse(
            ["--detach=false", "img"], specs: specs, command: "run", stopAtPositional: true)
        #expect(!parsed.has("--detach"))
    }

    @Test func groupedShortBooleansAreSplit() throws {
        let parsed = try FlagParser.parse(["-di", "img"], specs: specs, command: "run", stopAtPositional: true)
        #expect(parsed.has("--detach") && parsed.has("--interactive"))
    }

    @Test func unknownFlagAndMissingValueAreTypedErrors() {
        #expect(throws: FakeError.unknownFlag(flag: "--bogus", command: "run")) {
            try FlagParser.parse(["--bogus"], specs: specs, command: "run", stopAtPositional: true)
        }
        #expect(throws: FakeError.flagNeedsValue(flag: "--name", command: "run")) {
            try FlagParser.parse(["--name"], specs: specs, command: "run", stopAtPositional: true)
        }
    }

    @Test func errorsAreWordedForEachFace() {
        let error = FakeError.noSuchContainer("x")
        #expect(error.rendered(for: .docker) == ("Error response from daemon: No such container: x", 1))
        #expect(error.rendered(for: .podman).code == 125)
        #expect(error.rendered(for: .apptainer) == ("FATAL:   no instance found with name x", 255))
    }
}
