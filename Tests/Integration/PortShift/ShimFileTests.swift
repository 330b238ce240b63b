import Foundation
import TestSupport
import Testing

extension PortShiftTests {
    /// EXTENSIONS: each group writes its own copy of a file and reads the shared one until it has its own.
    @Suite struct ShimFileTests {
        static let calls = ["open", "open64", "openat", "openat64", "creat", "creat64", "fopen", "fopen64"]

        @Test(arguments: calls)
        func writeGoesToTheGroupsFile(call: String) throws {
            let directory = portShiftTemporaryDirectory()
            let written = try Shim.run(
                "ps_file_io", ["write", call, "\(directory)/app.log", "from-a"], group: "a", server: "127.0.0.1:1",
                ["EXTENSIONS": "txt,log"])
            #expect(written.status == 0)
            #expect(try String(contentsOfFile: "\(directory)/app.a.log", encoding: .utf8) == "from-a")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/app.log"))
        }

        @Test(arguments: ["open", "openat", "fopen64"])
        func readUsesTheGroupsFileWhenItExistsAndTheSharedOneOtherwise(call: String) throws {
            let directory = portShiftTemporaryDirectory()
            try "shared".write(toFile: "\(directory)/conf.txt", atomically: true, encoding: .utf8)
            let environment = ["EXTENSIONS": ".txt"]
            let before = try Shim.run(
                "ps_file_io", ["read", call, "\(directory)/conf.txt"], group: "b", server: "127.0.0.1:1", environment)
            #expect(before.stdout == "shared")
            try "b's own".write(toFile: "\(directory)/conf.b.txt", atomically: true, encoding: .utf8)
            let after = try Shim.run(
                "ps_file_io", ["read", call, "\(directory)/conf.txt"], group: "b", server: "127.0.0.1:1", environment)
            #expect(after.stdout == "b's own")
        }

        /// Programs built with _FORTIFY_SOURCE open files through glibc's __open_2 and __openat_2.
        @Test(arguments: ["open2", "openat2"])
        func fortifiedOpenReadsTheGroupsFile(call: String) throws {
            let directory = portShiftTemporaryDirectory()
            try "shared".write(toFile: "\(directory)/conf.txt", atomically: true, encoding: .utf8)
            try "c's own".write(toFile: "\(directory)/conf.c.txt", atomically: true, encoding: .utf8)
            let read = try Shim.run(
                "ps_file_io_fortified", ["read", call, "\(directory)/conf.txt"], group: "c", server: "127.0.0.1:1",
                ["EXTENSIONS": "txt"])
            #expect(read.stdout == "c's own")
            let unshimmed = try Shim.run(
                "ps_file_io_fortified", ["read", call, "\(directory)/conf.txt"], group: "c", server: "127.0.0.1:1",
                ["EXTENSIONS": "txt"], preload: false)
            #expect(unshimmed.stdout == "shared")
        }

        @Test func unlistedExtensionsAndProgramsWithoutAGroupAreUntouched() throws {
            let directory = portShiftTemporaryDirectory()
            _ = try Shim.run(
                "ps_file_io", ["write", "open", "\(directory)/data.bin", "x"], group: "a", server: "127.0.0.1:1",
                ["EXTENSIONS": "log"])
            _ = try Shim.run(
                "ps_file_io", ["write", "fopen", "\(directory)/plain.log", "y"], group: nil, server: "127.0.0.1:1",
                ["EXTENSIONS": "log"])
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(names == ["data.bin", "plain.log"])
        }

        @Test func twoGroupsWritingOneLogKeepSeparateFiles() throws {
            let directory = portShiftTemporaryDirectory()
            for group in ["a", "b"] {
                _ = try Shim.run(
                    "ps_file_io", ["write", "open", "\(directory)/run.log", "by-\(group)"], group: group,
                    server: "127.0.0.1:1", ["EXTENSIONS": "log"])
            }
            #expect(try String(contentsOfFile: "\(directory)/run.a.log", encoding: .utf8) == "by-a")
            #expect(try String(contentsOfFile: "\(directory)/run.b.log", encoding: .utf8) == "by-b")
        }
    }
}
