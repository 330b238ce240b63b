import Testing

@testable import FakeRuntime

@Suite struct EnvironmentParsingTests {
    func pairs(_ list: [(String, String)]) -> [String] { list.map { "\($0.0)=\($0.1)" } }

    @Test func apptainerEnvFlagWithOneEqualsKeepsCommasInTheValue() throws {
        #expect(pairs(try EnvironmentParsing.apptainerEnvFlag("LDFLAGS=-Wl,-rpath,/x")) == ["LDFLAGS=-Wl,-rpath,/x"])
    }

    @Test func apptainerEnvFlagWithSeveralEqualsIsReadAsCsv() throws {
        #expect(pairs(try EnvironmentParsing.apptainerEnvFlag("A=1,B=2")) == ["A=1", "B=2"])
        #expect(pairs(try EnvironmentParsing.apptainerEnvFlag("\"A=x,y=z\",B=2")) == ["A=x,y=z", "B=2"])
        #expect(throws: FakeError.self) { try EnvironmentParsing.apptainerEnvFlag("A=b=c,d") }
        #expect(throws: FakeError.self) { try EnvironmentParsing.apptainerEnvFlag("A=x\"y=z") }
    }

    @Test func apptainerEnvFlagWithoutEqualsIsRejected() {
        #expect(throws: FakeError.self) { try EnvironmentParsing.apptainerEnvFlag("JUSTNAME") }
    }

    @Test func dockerEntryTakesValuesLiterallyAndBareNamesFromTheCaller() throws {
        #expect(try EnvironmentParsing.dockerEntry("A=\"q\" $x", host: [:])! == ("A", "\"q\" $x"))
        #expect(try EnvironmentParsing.dockerEntry("HOMEDIR", host: ["HOMEDIR": "/h"])! == ("HOMEDIR", "/h"))
        #expect(try EnvironmentParsing.dockerEntry("UNSET", host: [:]) == nil)
    }

    @Test func csvRecordFollowsGoQuotingRules() throws {
        #expect(try EnvironmentParsing.csvRecord("a,\"b,c\",\"d\"\"e\"") == ["a", "b,c", "d\"e"])
        #expect(try EnvironmentParsing.csvRecord("") == [""])
    }
}
