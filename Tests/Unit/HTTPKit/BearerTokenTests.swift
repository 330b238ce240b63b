import Foundation
import Testing

@testable import HTTPKit

extension HTTPKitTests {
    @Suite struct BearerTokenTests {
        static func tokenFile(_ content: String, mode: Int) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
            try content.write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }

        @Test func ownerOnlyFileIsReadWithoutItsNewline() throws {
            for mode in [0o600, 0o400] {
                let path = try Self.tokenFile("abc123\n", mode: mode)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let token = try BearerToken(contentsOfFile: path)
                #expect(token.matches(Array("abc123".utf8)))
                #expect(!token.matches(Array("abc123\n".utf8)))
            }
        }

        @Test func fileReadableByOthersIsRefusedWithTheFix() throws {
            let path = try Self.tokenFile("abc123\n", mode: 0o644)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: TokenFileError.tooPermissive(path: path, mode: 0o644)) {
                try BearerToken(contentsOfFile: path)
            }
            let message = "\(TokenFileError.tooPermissive(path: path, mode: 0o644))"
            #expect(message.contains("mode 644") && message.contains("chmod 600 \(path)"))
        }

        @Test func groupReadableFileIsRefused() throws {
            let path = try Self.tokenFile("abc123", mode: 0o640)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: TokenFileError.self) { try BearerToken(contentsOfFile: path) }
        }

        @Test func emptyMissingAndMalformedFilesAreRefused() throws {
            let empty = try Self.tokenFile("\n", mode: 0o600)
            let spaced = try Self.tokenFile("two words\n", mode: 0o600)
            defer {
                try? FileManager.default.removeItem(atPath: empty)
                try? FileManager.default.removeItem(atPath: spaced)
            }
            #expect(throws: TokenFileError.empty(path: empty)) { try BearerToken(contentsOfFile: empty) }
            #expect(throws: TokenFileError.invalidToken(path: spaced)) { try BearerToken(contentsOfFile: spaced) }
            #expect {
                try BearerToken(contentsOfFile: "/nonexistent/token")
            } throws: { error in
                "\(error)" == "cannot read token file /nonexistent/token: No such file or directory"
            }
        }

        @Test func descriptionNeverShowsTheToken() throws {
            let token = try BearerToken("hunter2-secret")
            #expect("\(token)" == "BearerToken(redacted)")
            #expect(String(reflecting: token) == "BearerToken(redacted)")
        }

        @Test func constantTimeComparisonIsExact() {
            let secret = Array("s3cret".utf8)
            #expect(ConstantTime.equal(secret, Array("s3cret".utf8)))
            #expect(!ConstantTime.equal(secret, Array("s3cre".utf8)))
            #expect(!ConstantTime.equal(secret, Array("s3crett".utf8)))
            #expect(!ConstantTime.equal(secret, Array("S3cret".utf8)))
            #expect(!ConstantTime.equal(secret, []))
        }
    }
}
