import MiniCompose
import TestSupport
import Testing

@Suite struct InterpolationTests {
    let interpolator = Interpolator(variables: ["SET": "value", "EMPTY": "", "OTHER": "other"])

    @Test(arguments: [
        ("$SET", "value"), ("${SET}", "value"), ("a${SET}b", "avalueb"), ("$SET/x", "value/x"),
        ("${UNSET:-default}", "default"), ("${EMPTY:-default}", "default"), ("${SET:-default}", "value"),
        ("${UNSET-default}", "default"), ("${EMPTY-default}", ""), ("${SET-default}", "value"),
        ("${SET:+alt}", "alt"), ("${EMPTY:+alt}", ""), ("${UNSET:+alt}", ""),
        ("${SET+alt}", "alt"), ("${EMPTY+alt}", "alt"), ("${UNSET+alt}", ""),
        ("$$", "$"), ("$$SET", "$SET"), ("$${SET}", "${SET}"), ("cost $$5", "cost $5"),
        ("${UNSET:-${OTHER}}", "other"), ("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
        ("${SET:-${UNSET:?never evaluated}}", "value"), ("${UNSET:-a}${SET}", "avalue"),
        ("no dollar", "no dollar"), ("${UNSET:-}", ""),
        ("${UNSET:-with spaces and : colons}", "with spaces and : colons"),
    ])
    func substitutesLikeCompose(_ input: String, _ expected: String) throws {
        #expect(try interpolator.interpolate(input) == expected)
    }

    @Test func unsetVariableWithoutDefaultIsEmptyAndReported() throws {
        var unset: [String] = []
        #expect(try interpolator.interpolate("x${MISSING}y$ALSO") { unset.append($0) } == "xy")
        #expect(unset == ["MISSING", "ALSO"])
    }

    @Test func requiredVariableFailsWithItsMessage() throws {
        #expect(throws: Interpolator.Failure.required(variable: "UNSET", message: "set it")) {
            try interpolator.interpolate("${UNSET:?set it}")
        }
        #expect(throws: Interpolator.Failure.required(variable: "EMPTY", message: "not empty")) {
            try interpolator.interpolate("${EMPTY:?not empty}")
        }
        let empty = try interpolator.interpolate("${EMPTY?only unset fails}")
        #expect(empty == "")
    }

    @Test(arguments: ["$1", "${", "${SET", "${1X}", "${SET!x}", "end $"])
    func malformedTemplateIsRejected(_ input: String) {
        #expect(throws: Interpolator.Failure.self) { try interpolator.interpolate(input) }
    }
}

@Suite struct InterpolationPrecedenceTests {
    @Test func shellEnvironmentWinsOverDotEnvAndDotEnvFillsTheRest() throws {
        let fixture = ComposeFixtureDirectory()
        try fixture.write(".env", "WHO=dotenv\nONLY=dotenv-only\n")
        try fixture.write(
            "compose.yaml", "services:\n  a:\n    image: \"x:${WHO}\"\n    environment:\n      ONLY: $ONLY\n")
        var options = ComposeLoadOptions(workingDirectory: fixture.path, environment: ["WHO": "shell"])
        options.files = ["compose.yaml"]
        let project = try ComposeLoader(options: options).load()
        #expect(project.services["a"]?.image == "x:shell")
        #expect(project.services["a"]?.environment == [EnvironmentVariable(name: "ONLY", value: "dotenv-only")])
    }

    @Test func envFileOptionReplacesDotEnv() throws {
        let fixture = ComposeFixtureDirectory()
        try fixture.write(".env", "TAG=from-dotenv\n")
        try fixture.write("prod.env", "TAG=from-prod\n")
        try fixture.write("compose.yaml", "services:\n  a:\n    image: \"x:${TAG}\"\n")
        var options = ComposeLoadOptions(workingDirectory: fixture.path, environment: [:])
        options.envFiles = ["prod.env"]
        #expect(try ComposeLoader(options: options).load().services["a"]?.image == "x:from-prod")
    }

    @Test func unsetVariableWarnsOnceWithItsLocation() throws {
        let fixture = ComposeFixtureDirectory()
        try fixture.write("compose.yaml", "services:\n  a:\n    image: \"x:${NOPE}\"\n    hostname: \"${NOPE}h\"\n")
        let project = try ComposeLoader(options: ComposeLoadOptions(workingDirectory: fixture.path, environment: [:]))
            .load()
        let warnings = project.warnings.filter { $0.message.contains("NOPE") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.location.line == 3)
        #expect(project.services["a"]?.image == "x:")
    }
}
