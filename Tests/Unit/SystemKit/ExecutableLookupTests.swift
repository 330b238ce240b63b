import Foundation
import Testing

@testable import SystemKit

@Suite struct ExecutableLookupTests {
    @Test func bareNameIsFoundInTheFirstMatchingPathDirectory() throws {
        #expect(try ExecutableLookup.resolve("sh", searchPath: "/nonexistent:/bin") == "/bin/sh")
    }

    @Test func bareNameMissingFromPathIsExecutableNotFound() {
        #expect(throws: ProcessError.executableNotFound(name: "no-such-tool-xyz", searchPath: "/bin")) {
            try ExecutableLookup.resolve("no-such-tool-xyz", searchPath: "/bin")
        }
    }

    @Test func pathToNonExecutableFileIsNotExecutable() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: ProcessError.notExecutable(path: file.path)) {
            try ExecutableLookup.resolve(file.path, searchPath: nil)
        }
    }

    @Test func directoryIsNotExecutableAndMissingPathIsNoSuchFile() {
        #expect(throws: ProcessError.notExecutable(path: "/tmp")) {
            try ExecutableLookup.resolve("/tmp", searchPath: nil)
        }
        #expect(throws: ProcessError.noSuchFile(path: "/no/such/x")) {
            try ExecutableLookup.resolve("/no/such/x", searchPath: nil)
        }
    }

    @Test func relativePathIsMadeAbsoluteSoAChildsWorkingDirectoryCannotChangeIt() throws {
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + "bin/sh"
        let resolved = try ExecutableLookup.resolve(relative, searchPath: nil)
        #expect(resolved == FileManager.default.currentDirectoryPath + "/" + relative)
    }
}
