import PortShift
import Testing

extension PortShiftTests {
    @Suite struct PortShiftEnvironmentTests {
        @Test func minimalEnvironmentNamesLibraryGroupAndServer() {
            let environment = PortShiftEnvironment(libraryPath: "/opt/ps/lib.so", group: "proj-1")
            #expect(
                environment.variables() == [
                    "LD_PRELOAD": "/opt/ps/lib.so", "APP_GRP": "proj-1", "OFFSET_SERVER_ADDR": "127.0.0.1:25000",
                ])
        }

        @Test func optionalSettingsBecomeTheShimsVariables() {
            var environment = PortShiftEnvironment(libraryPath: "/l.so", group: "g", serverAddress: "[::1]:26000")
            environment.exceptPorts = [22, 443]
            environment.extensions = ["log", "txt"]
            environment.shiftAddresses = ["10.0.0.5"]
            environment.allowZeroOffset = true
            environment.timeoutMillis = 500
            environment.debugLevel = 1
            let variables = environment.variables()
            #expect(variables["EXCEPT_PORTS"] == "22,443")
            #expect(variables["EXTENSIONS"] == "log,txt")
            #expect(variables["SHIFT_ADDRS"] == "10.0.0.5")
            #expect(variables["PORTSHIFT_ALLOW_ZERO_OFFSET"] == "1")
            #expect(variables["PORTSHIFT_TIMEOUT_MS"] == "500")
            #expect(variables["PORTSHIFT_DEBUG"] == "1")
            #expect(variables["OFFSET_SERVER_ADDR"] == "[::1]:26000")
        }

        @Test func existingPreloadIsKeptAfterTheShimOnce() {
            let environment = PortShiftEnvironment(libraryPath: "/l.so", group: "g")
            let variables = environment.variables(keeping: ["LD_PRELOAD": "/a.so:/l.so /b.so"])
            #expect(variables["LD_PRELOAD"] == "/l.so /a.so /b.so")
        }
    }
}
