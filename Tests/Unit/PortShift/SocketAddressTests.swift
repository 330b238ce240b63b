import PortShift
import Testing

extension PortShiftTests {
    @Suite struct SocketAddressTests {
        @Test(arguments: [
            ("127.0.0.1", "127.0.0.1:25000"), ("127.0.0.1:26000", "127.0.0.1:26000"), ("localhost", "127.0.0.1:25000"),
            ("::1", "[::1]:25000"), ("[::1]:26000", "[::1]:26000"), ("[::ffff:127.0.0.1]", "[::ffff:127.0.0.1]:25000"),
        ])
        func addressFormsAreParsed(text: String, expected: String) throws {
            #expect(try SocketAddress(parsing: text, defaultPort: 25000).description == expected)
        }

        @Test(arguments: ["", "host.example:25000", "127.0.0.1:x", "127.0.0.1:70000", "[::1", "[::1]x"])
        func badAddressesAreRefused(text: String) {
            #expect(throws: SocketAddressError.self) { try SocketAddress(parsing: text, defaultPort: 25000) }
        }
    }
}
