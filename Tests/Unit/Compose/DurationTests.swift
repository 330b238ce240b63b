import MiniCompose
import Testing

@Suite struct DurationTests {
    @Test(
        arguments: [
            ("30s", 30_000_000_000), ("1m30s", 90_000_000_000), ("1.5s", 1_500_000_000), ("100ms", 100_000_000),
            ("2h", 7_200_000_000_000), ("1h2m3s", 3_723_000_000_000), ("500us", 500_000), ("250µs", 250_000),
            ("10ns", 10), ("0", 0), ("0s", 0), (".5s", 500_000_000), ("1m0.25s", 60_250_000_000),
        ] as [(String, Int64)])
    func parsesComposeDurations(_ text: String, _ nanoseconds: Int64) throws {
        #expect(try ComposeDuration.parse(text).nanoseconds == nanoseconds)
    }

    @Test(arguments: [
        ("10", ComposeDuration.ParseError.missingUnit("10")), ("10sec", .unknownUnit("sec")), ("-5s", .negative),
        ("", .empty), ("s", .malformed), ("1..5s", .malformed),
    ])
    func rejectsMalformedDurations(_ text: String, _ error: ComposeDuration.ParseError) {
        #expect(throws: error) { try ComposeDuration.parse(text) }
    }

    @Test(arguments: [
        ("90s", "1m30s"), ("1.5s", "1.5s"), ("100ms", "100ms"), ("2h", "2h0m0s"), ("1m", "1m0s"), ("0s", "0s"),
        ("1h30m", "1h30m0s"), ("1500ms", "1.5s"), ("1.25ms", "1.25ms"), ("999us", "999µs"), ("3ns", "3ns"),
    ])
    func printsDurationsAsGoDoes(_ text: String, _ normalized: String) throws {
        #expect(try ComposeDuration.parse(text).description == normalized)
    }
}
