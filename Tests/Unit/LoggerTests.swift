import SystemKit
import Testing

@Suite struct LoggerTests {
    @Test func renderedLineHasLevelComponentMessageAndQuotedFields() {
        let sink = MemorySink()
        let logger = Logger(component: "orchestrator", sink: sink).with("instance", "a")
        logger.info("service healthy", ["service": "web", "detail": "took 2 s"])
        #expect(sink.records.count == 1)
        #expect(
            sink.records[0].rendered() == "INFO orchestrator service healthy instance=a service=web detail=\"took 2 s\""
        )
    }

    @Test func recordsBelowThresholdAreDropped() {
        let sink = MemorySink(threshold: .warning)
        let logger = Logger(component: "loader", sink: sink)
        logger.debug("parsed")
        logger.info("loaded")
        logger.warning("unknown key", ["key": "foo"])
        #expect(sink.records.map(\.message) == ["unknown key"])
    }
}
