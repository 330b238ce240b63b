import HTTPKit
import Testing

extension HTTPKitTests {
    @Suite struct ListenAddressTests {
        @Test func acceptsIPv4IPv6AndLocalhost() throws {
            let v4 = try ListenAddress(parsing: "127.0.0.1:5000")
            #expect(v4.host == "127.0.0.1" && v4.port == 5000 && v4.family == .ipv4)
            let v6 = try ListenAddress(parsing: "[::1]:0")
            #expect(v6.host == "::1" && v6.port == 0 && v6.family == .ipv6)
            #expect(v6.description == "[::1]:0")
            #expect(try ListenAddress(parsing: "localhost:80").host == "127.0.0.1")
            #expect(try ListenAddress(parsing: "0.0.0.0:5000").isWildcard)
        }

        @Test(arguments: [
            "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:5x", "::1:5000", "[::1]5000",
            "[::1:5000", "example.org:80", ":5000",
        ])
        func refusesMalformedAddressesNamingThem(_ text: String) {
            #expect {
                try ListenAddress(parsing: text)
            } throws: { error in
                "\(error)".hasPrefix("invalid listen address '\(text)'")
            }
        }
    }
}
