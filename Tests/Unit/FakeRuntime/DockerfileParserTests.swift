import Testing

@testable import FakeRuntime

@Suite struct DockerfileParserTests {
    @Test func continuationsAndCommentsAreHandledAndLinesKept() throws {
        let text = "# c\nFROM scratch\nENV A=1 \\\n    B=\"two words\"\n\nCMD [\"x\"]\n"
        let instructions = try DockerfileParser.parse(text)
        #expect(instructions.map(\.keyword) == ["FROM", "ENV", "CMD"])
        #expect(instructions[1].line == 3)
        #expect(DockerfileParser.pairs(instructions[1].arguments).map { "\($0.0)=\($0.1)" } == ["A=1", "B=two words"])
    }

    @Test func unknownInstructionNamesItsLine() {
        #expect(throws: FakeError.buildFailed("dockerfile parse error on line 2: unknown instruction: FORM")) {
            try DockerfileParser.parse("FROM scratch\nFORM x\n")
        }
    }

    @Test func substitutionSupportsDefaultsAndEscapes() {
        let variables = ["V": "1", "E": ""]
        #expect(DockerfileParser.substitute("$V ${V} ${E:-d} ${V:+alt} \\$V ${MISSING}", variables) == "1 1 d alt $V ")
    }

    @Test func imageReferencesNormalizeLikeDockerHub() {
        #expect(ImageReference("alpine").normalized == "alpine:latest")
        #expect(ImageReference("docker.io/library/alpine:3").normalized == "alpine:3")
        #expect(ImageReference("localhost:5000/app").normalized == "localhost:5000/app:latest")
    }
}
