import Testing

@testable import HTTPKit

extension HTTPKitTests {
    @Suite struct SmallTypesTests {
        @Test func secretLookingNamesAreMasked() {
            let masked = SecretMasking.masked([
                "API_TOKEN": "t", "db_password": "p", "AWS_SECRET_ACCESS_KEY": "k", "MY_CREDENTIALS": "c",
                "HOST_IP": "10.0.0.1", "EMPTY_TOKEN": "",
            ])
            #expect(masked["API_TOKEN"] == SecretMasking.mask)
            #expect(masked["db_password"] == SecretMasking.mask)
            #expect(masked["AWS_SECRET_ACCESS_KEY"] == SecretMasking.mask)
            #expect(masked["MY_CREDENTIALS"] == SecretMasking.mask)
            #expect(masked["HOST_IP"] == "10.0.0.1")
            #expect(masked["EMPTY_TOKEN"] == "")
        }

        @Test func headerNamesCompareCaseInsensitively() {
            var headers: HTTPHeaders = ["Content-Type": "a"]
            headers.add("content-type", "b")
            #expect(headers["CONTENT-TYPE"] == "a")
            #expect(headers.values("Content-type") == ["a", "b"])
            headers.set("CONTENT-type", "c")
            #expect(headers.values("content-type") == ["c"])
        }

        @Test func headerValuesCannotStartANewLine() {
            var headers = HTTPHeaders()
            headers.add("X-Id", "a\r\nSet-Cookie: x=1")
            #expect(headers["X-Id"] == "a  Set-Cookie: x=1")
        }

        @Test func acceptHeaderDecidesJSON() {
            #expect(ContentNegotiation.prefersJSON(accept: "application/json"))
            #expect(ContentNegotiation.prefersJSON(accept: "text/html, Application/JSON ; q=0.5"))
            #expect(ContentNegotiation.prefersJSON(accept: "application/problem+json"))
            #expect(!ContentNegotiation.prefersJSON(accept: "*/*"))
            #expect(!ContentNegotiation.prefersJSON(accept: "application/json;q=0"))
            #expect(!ContentNegotiation.prefersJSON(accept: nil))
        }

        @Test func allowedHostsNeedTheBoundPort() throws {
            let address = try ListenAddress(parsing: "127.0.0.1:5000")
            let allowed = AllowedHosts(extra: ["node1:8080", "login.cluster"])
            #expect(allowed.allows("localhost:5000", serverAddress: address))
            #expect(allowed.allows("[::1]:5000", serverAddress: address))
            #expect(!allowed.allows("localhost:5001", serverAddress: address))
            #expect(!allowed.allows("localhost", serverAddress: address))
            #expect(!allowed.allows("127.0.0.1:5000.evil", serverAddress: address))
            #expect(allowed.allows("node1:8080", serverAddress: address))
            #expect(!allowed.allows("node1:8081", serverAddress: address))
            #expect(allowed.allows("login.cluster:443", serverAddress: address))
        }

        @Test func queryFlagsAndIntegersAreValidated() throws {
            let query = QueryParameters([("keep", ""), ("tail", "20"), ("bad", "maybe")])
            #expect(try query.bool("keep") == true)
            #expect(try query.bool("absent") == nil)
            #expect(try query.int("tail", in: 0...100) == 20)
            #expect(throws: HTTPError.self) { try query.int("tail", in: 0...10) }
            #expect(throws: HTTPError.self) { try query.bool("bad") }
        }
    }
}
