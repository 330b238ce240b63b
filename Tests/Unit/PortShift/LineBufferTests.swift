import Testing

@testable import PortShift

extension PortShiftTests {
    @Suite struct LineBufferTests {
        private func feed(_ buffer: inout LineBuffer, _ text: String) {
            Array(text.utf8).withUnsafeBytes { buffer.append($0) }
        }

        @Test func linesSplitAcrossReadsAreJoined() {
            var buffer = LineBuffer(limit: 256)
            feed(&buffer, "gro")
            #expect(buffer.next() == .needMore)
            feed(&buffer, "up\nLIST\n")
            #expect(buffer.next() == .line("group"))
            #expect(buffer.next() == .line("LIST"))
            #expect(buffer.next() == .needMore)
        }

        @Test func unterminatedRestIsTheLastLineAtEndOfStream() {
            var buffer = LineBuffer(limit: 256)
            feed(&buffer, "a\nlast")
            #expect(buffer.next() == .line("a"))
            #expect(buffer.next() == .needMore)
            #expect(buffer.finish() == "last")
            #expect(buffer.finish() == nil)
        }

        @Test func overLongLineIsReportedWithOrWithoutItsNewline() {
            var unterminated = LineBuffer(limit: 8)
            feed(&unterminated, "123456789")
            #expect(unterminated.next() == .tooLong)
            var terminated = LineBuffer(limit: 8)
            feed(&terminated, "123456789\n")
            #expect(terminated.next() == .tooLong)
        }
    }
}
