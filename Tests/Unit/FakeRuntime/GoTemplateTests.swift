import Testing

@testable import FakeRuntime

@Suite struct GoTemplateTests {
    let object: [String: Any] = [
        "Name": "/web", "State": ["Status": "running", "ExitCode": 0, "Running": true] as [String: Any],
        "Config": ["Env": ["A=1", "B=2"], "Labels": ["k": "v"]] as [String: Any],
    ]

    @Test func fieldPathsRenderAsGoPrintsThem() throws {
        #expect(
            try GoTemplate.render("{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}", object)
                == "running 0 true")
        #expect(try GoTemplate.render("{{.Config.Env}}", object) == "[A=1 B=2]")
    }

    @Test func jsonIndexAndJoinFunctionsWork() throws {
        #expect(try GoTemplate.render("{{json .Config.Env}}", object) == "[\"A=1\",\"B=2\"]")
        #expect(try GoTemplate.render("{{index .Config.Labels \"k\"}}", object) == "v")
        #expect(try GoTemplate.render("{{join .Config.Env \",\"}}", object) == "A=1,B=2")
    }

    @Test func unknownFieldAndUnknownFunctionAreErrors() {
        #expect(throws: FakeError.self) { try GoTemplate.render("{{.Nope}}", object) }
        #expect(throws: FakeError.self) { try GoTemplate.render("{{range .Config.Env}}", object) }
    }
}
