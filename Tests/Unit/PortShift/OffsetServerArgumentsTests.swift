import PortShift
import SystemKit
import Testing

extension PortShiftTests {
    @Suite struct OffsetServerArgumentsTests {
        @Test func noArgumentsGiveTheOriginalDefaults() throws {
            guard case .run(let configuration) = try OffsetServerArguments.parse([]) else {
                Issue.record("expected run")
                return
            }
            #expect(configuration.listen.description == "0.0.0.0:25000")
            #expect(configuration.layout == OffsetLayout(maxGroups: 100, firstOffset: 100, window: 100))
            #expect(configuration.stateFile == nil)
        }

        @Test func everyOptionIsApplied() throws {
            let command = try OffsetServerArguments.parse([
                "--listen", "::1", "--port", "26000", "--max-groups", "10", "--first-offset", "500", "--window", "50",
                "--state-file", "/tmp/s.json", "--read-timeout", "0.5", "--max-connections", "8", "-v", "--check",
            ])
            guard case .check(let configuration) = command else {
                Issue.record("expected check")
                return
            }
            #expect(configuration.listen.description == "[::1]:26000")
            #expect(configuration.layout == OffsetLayout(maxGroups: 10, firstOffset: 500, window: 50))
            #expect(configuration.stateFile == "/tmp/s.json")
            #expect(configuration.readTimeoutMillis == 500)
            #expect(configuration.maxConnections == 8)
            #expect(configuration.logLevel == .debug)
        }

        @Test func listenWithPortIsAccepted() throws {
            guard case .run(let configuration) = try OffsetServerArguments.parse(["--listen", "[::1]:0"]) else {
                Issue.record("expected run")
                return
            }
            #expect(configuration.listen.port == 0)
            #expect(configuration.listen.family == .ipv6)
        }

        @Test(arguments: [
            (["--window", "x"], "--window"),
            (["--port", "70000"], "--port"),
            (["--listen", "example.org"], "--listen"),
            (["--max-groups", "700"], "--max-groups"),
            (["--first-offset", "50"], "--first-offset"),
            (["--max-groups"], "--max-groups"),
            (["--bogus"], "--bogus"),
            (["--read-timeout", "-1"], "--read-timeout"),
        ])
        func badOptionIsRefusedNamingIt(arguments: [String], option: String) {
            #expect {
                try OffsetServerArguments.parse(arguments)
            } throws: { error in
                (error as? ConfigurationError)?.option == option
            }
        }

        @Test func configurationPushingPortsPast65535IsRefused() {
            var configuration = OffsetServerConfiguration()
            configuration.layout = OffsetLayout(maxGroups: 655, firstOffset: 100, window: 100)
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
            configuration.layout.maxGroups = 654
            #expect(throws: Never.self) { try configuration.validate() }
        }
    }
}
