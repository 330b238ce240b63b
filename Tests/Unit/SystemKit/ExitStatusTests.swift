import Glibc
import Testing

@testable import SystemKit

@Suite struct ExitStatusTests {
    @Test func waitStatusOfNormalExitDecodesToExitedWithCode() {
        #expect(ExitStatus(waitStatus: 3 << 8) == .exited(3))
        #expect(ExitStatus(waitStatus: 0).isSuccess)
    }

    @Test func waitStatusOfSignalDecodesToSignaledAndShellCode() {
        let status = ExitStatus(waitStatus: SIGKILL)
        #expect(status == .signaled(SIGKILL))
        #expect(status.code == 137)
        #expect(status.description == "signaled(SIGKILL)")
    }

    @Test func systemErrorNamesTheCallTheSubjectAndTheErrnoText() {
        let error = SystemError(call: "posix_spawn", subject: "/bin/x", errno: ENOENT)
        #expect(error.description == "posix_spawn(/bin/x): No such file or directory")
    }

    @Test func tailBufferOverLimitKeepsTheLastBytesAndSaysSo() {
        var buffer = TailBuffer(limit: 4)
        let first: [UInt8] = Array("abc".utf8)
        let second: [UInt8] = Array("defg".utf8)
        first.withUnsafeBufferPointer { buffer.append($0) }
        #expect(!buffer.truncated)
        second.withUnsafeBufferPointer { buffer.append($0) }
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == "defg")
        #expect(buffer.truncated)
    }

    @Test func commandDescriptionQuotesWordsAShellWouldSplit() {
        let command = Command("docker", ["run", "-e", "A=b c", "it's"], environment: [:])
        #expect(command.description == "docker run -e 'A=b c' 'it'\\''s'")
    }
}
