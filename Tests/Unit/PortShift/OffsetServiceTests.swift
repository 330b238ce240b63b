import Foundation
import PortShift
import SystemKit
import Testing

extension PortShiftTests {
    @Suite struct OffsetServiceTests {
        @Test func requestsAreAnsweredAndAssignmentsLogged() throws {
            let sink = MemorySink()
            let service = try OffsetService(
                layout: OffsetLayout(maxGroups: 2), stateFile: nil, logger: Logger(component: "test", sink: sink))
            #expect(service.respond(to: "a") == "100\n")
            #expect(service.respond(to: "b") == "200\n")
            #expect(service.respond(to: "a") == "100\n")
            #expect(service.respond(to: "c") == "ERR offset table full (2 groups); release a group first\n")
            #expect(service.respond(to: "LIST") == "a 100\nb 200\n.\n")
            #expect(service.respond(to: "RELEASE a") == "OK\n")
            #expect(service.respond(to: "c") == "100\n")
            let assigned = sink.records.filter { $0.message == "offset assigned" }
            #expect(assigned.map { $0.field("group") } == ["a", "b", "c"])
            #expect(assigned.map { $0.field("offset") } == ["100", "200", "100"])
            #expect(sink.records.contains { $0.message == "offset released" && $0.field("group") == "a" })
        }

        @Test func unwritableStateFileIsRefusedAtStart() {
            let path = "/nonexistent-dir-\(UInt32.random(in: 0...UInt32.max))/s.json"
            #expect {
                try OffsetService(
                    layout: OffsetLayout(), stateFile: path, logger: Logger(component: "test", sink: MemorySink()))
            } throws: { error in
                "\(error)".contains(path)
            }
        }

        @Test func stateFileThatBecomesUnwritableRefusesTheAssignmentAndKeepsTheTable() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let sink = MemorySink()
            let service = try OffsetService(
                layout: OffsetLayout(), stateFile: directory.appendingPathComponent("s.json").path,
                logger: Logger(component: "test", sink: sink))
            #expect(service.respond(to: "a") == "100\n")
            try FileManager.default.removeItem(at: directory)
            #expect(service.respond(to: "b").hasPrefix("ERR state file not written"))
            #expect(service.assignments == ["a": 100])
            #expect(sink.records.contains { $0.level == .error && $0.message == "state file not written" })
        }
    }
}
