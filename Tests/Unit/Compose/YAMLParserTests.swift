import MiniCompose
import TestSupport
import Testing

@Suite struct YAMLParserTests {
    private func parse(_ text: String, limits: YAMLParser.Limits = YAMLParser.Limits()) throws -> YAMLNode? {
        try YAMLParser(limits: limits).parse(Array(text.utf8), file: "test.yaml")
    }

    @Test func everyNodeKeepsItsLineAndColumn() throws {
        let root = try #require(try parse("services:\n  web:\n    image: nginx\n"))
        let image = try #require(root["services"]?["web"]?["image"])
        #expect(image.location == SourceLocation(file: "test.yaml", line: 3, column: 12))
    }

    @Test func yaml12CoreSchemaLeavesSexagesimalAndYesAsStrings() throws {
        let root = try #require(try parse("a: 22:22\nb: yes\nc: 012\nd: 0x10\ne: '5'\nf: ~\ng: 1.5e3\n"))
        #expect(root["a"]?.scalar?.resolved == .string("22:22"))
        #expect(root["b"]?.scalar?.resolved == .string("yes"))
        #expect(root["c"]?.scalar?.resolved == .int(12))
        #expect(root["d"]?.scalar?.resolved == .int(16))
        #expect(root["e"]?.scalar?.resolved == .string("5"))
        #expect(root["f"]?.isNull == true)
        #expect(root["g"]?.scalar?.resolved == .float(1500))
    }

    @Test func mergeKeyGivesWayToExplicitKeys() throws {
        let root = try #require(try parse("base: &b {x: 1, y: 1}\nchild:\n  <<: *b\n  y: 2\n"))
        #expect(root["child"]?["x"]?.scalar?.value == "1")
        #expect(root["child"]?["y"]?.scalar?.value == "2")
    }

    @Test func aliasBombStopsAtTheNodeLimit() {
        var limits = YAMLParser.Limits()
        limits.maxNodes = 1000
        let text =
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        #expect(throws: ComposeError.self) { try parse(text, limits: limits) }
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: ComposeError.self) { try parse(text) }
    }

    @Test func fileOverTheSizeLimitIsRefusedBeforeParsing() throws {
        let directory = ComposeFixtureDirectory()
        try directory.write(
            "compose.yaml", "services:\n  a:\n    image: x\n" + String(repeating: "# padding\n", count: 200))
        var options = ComposeLoadOptions(workingDirectory: directory.path, environment: [:])
        options.maxFileSize = 1024
        #expect {
            _ = try ComposeLoader(options: options).load()
        } throws: { error in
            (error as? ComposeError)?.errors.first?.message.contains("more than the limit of 1024 bytes") == true
        }
    }

    @Test func missingFileIsAClearError() throws {
        let directory = ComposeFixtureDirectory()
        var options = ComposeLoadOptions(workingDirectory: directory.path, environment: [:])
        options.files = ["nope.yaml"]
        #expect {
            _ = try ComposeLoader(options: options).load()
        } throws: { error in
            (error as? ComposeError)?.errors.first?.message.hasSuffix("nope.yaml does not exist") == true
        }
    }
}
