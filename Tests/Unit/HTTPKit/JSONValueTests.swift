import HTTPKit
import Testing

extension HTTPKitTests {
    @Suite struct JSONValueTests {
        @Test func serializesCompactlyInInsertionOrder() {
            let value: JSONValue = ["b": 1, "a": [true, nil, 1.5, "x"], "c": ["d": -2]]
            #expect(value.jsonString == #"{"b":1,"a":[true,null,1.5,"x"],"c":{"d":-2}}"#)
        }

        @Test func escapesQuotesBackslashesAndControlCharacters() {
            let value = JSONValue.string("a\"b\\c\nd\u{1}é")
            #expect(value.jsonString == #""a\"b\\c\nd\u0001é""#)
        }

        @Test func nonFiniteNumbersBecomeNull() {
            #expect(JSONValue.array([.double(.nan), .double(.infinity), .double(2)]).jsonString == "[null,null,2]")
        }

        @Test func parsesWhatItWrites() throws {
            let value: JSONValue = ["flag": false, "n": 42, "x": 0.25, "s": "ü\n", "list": [1, "2"], "none": nil]
            #expect(try JSONValue.parse(value.serialized()) == value)
        }

        @Test func booleansAndNumbersStayDistinct() throws {
            let parsed = try JSONValue.parse(Array(#"[true, 1, 0, 1.0]"#.utf8))
            #expect(parsed[0] == .bool(true))
            #expect(parsed[1] == .int(1))
            #expect(parsed[2] == .int(0))
            #expect(parsed[3]?.intValue == 1)
        }

        @Test func malformedInputThrows() {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(Array("{\"a\":".utf8)) }
            #expect(throws: JSONParseError.self) { try JSONValue.parse([UInt8]()) }
        }
    }
}
