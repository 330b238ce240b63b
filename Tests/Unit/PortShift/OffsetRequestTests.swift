import PortShift
import Testing

extension PortShiftTests {
    @Suite struct OffsetRequestTests {
        @Test func groupNameLineIsAnOffsetRequest() {
            #expect(OffsetRequest.parse("team-a_1.x") == .success(.offset(group: "team-a_1.x")))
        }

        @Test func handTypedCarriageReturnIsTolerated() {
            #expect(OffsetRequest.parse("grp\r") == .success(.offset(group: "grp")))
        }

        @Test func listAndReleaseAreCommands() {
            #expect(OffsetRequest.parse("LIST") == .success(.list))
            #expect(OffsetRequest.parse("RELEASE grp") == .success(.release(group: "grp")))
        }

        @Test(arguments: ["", "a b", "RELEASE ", "RELEASE a/b", String(repeating: "x", count: 65), "grp\u{e9}", "../x"])
        func malformedLinesAreRefusedWithAReason(line: String) {
            guard case .failure(let error) = OffsetRequest.parse(Substring(line)) else {
                Issue.record("accepted \(line)")
                return
            }
            #expect(!error.reason.isEmpty)
        }

        @Test func sixtyFourCharacterNameIsAccepted() {
            let name = String(repeating: "a", count: 64)
            #expect(OffsetRequest.parse(Substring(name)) == .success(.offset(group: name)))
        }
    }
}
