import Foundation
import PortShift
import Testing

extension PortShiftTests {
    @Suite struct OffsetStateFileTests {
        private func temporaryPath() -> String {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "portshift-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory.appendingPathComponent("offsets.json").path
        }

        @Test func savedTableLoadsBackWithTheSameOffsets() throws {
            let file = OffsetStateFile(path: temporaryPath())
            var table = OffsetTable(layout: OffsetLayout())
            _ = table.assign("a")
            _ = table.assign("b")
            table.release("a")
            _ = table.assign("c")
            try file.save(table)
            #expect(try file.load(layout: OffsetLayout()) == table)
        }

        @Test func missingFileIsAnEmptyTable() throws {
            #expect(try OffsetStateFile(path: temporaryPath()).load(layout: OffsetLayout()).count == 0)
        }

        @Test func corruptFileIsRefusedNamingItsPath() throws {
            let path = temporaryPath()
            try "{not json".write(toFile: path, atomically: true, encoding: .utf8)
            #expect {
                try OffsetStateFile(path: path).load(layout: OffsetLayout())
            } throws: { error in
                "\(error)".contains(path)
            }
        }

        @Test func offsetOutsideTheLayoutIsRefusedNamingTheGroup() throws {
            let path = temporaryPath()
            try #"{"version": 1, "groups": {"web": 150}}"#.write(toFile: path, atomically: true, encoding: .utf8)
            #expect {
                try OffsetStateFile(path: path).load(layout: OffsetLayout())
            } throws: { error in
                "\(error)".contains("'web'") && "\(error)".contains("150")
            }
        }
    }
}
