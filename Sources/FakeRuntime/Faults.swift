import Foundation

/// Misbehaviour to inject, from image labels `fake.runtime.<name>` or container variables `FAKE_RUNTIME_<NAME>`
/// (the variable wins). Real runtimes ignore both, so the launcher cannot tell it is being tested.
struct Faults: Codable, Equatable {
    /// `start-fail=MESSAGE`: the run/instance command fails with this message.
    var startFailure: String?
    /// `exit-after=SECONDS[:CODE]`: the container ends with CODE (default 1) after SECONDS.
    var exitAfter: Double?
    var exitCode: Int32 = 1
    /// `start-delay=SECONDS`: the program starts (and so listens) only after SECONDS.
    var startDelay: Double?
    /// `exec-hang=1`: every exec into the container hangs until killed.
    var execHang = false

    init() {}

    init(labels: [String: String], environment: [String: String]) throws(FakeError) {
        func value(_ name: String) -> String? {
            let variable = "FAKE_RUNTIME_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
            return environment[variable] ?? labels["fake.runtime.\(name)"]
        }
        startFailure = value("start-fail").flatMap { $0.isEmpty ? nil : $0 }
        if let text = value("exit-after") {
            let parts = text.split(separator: ":")
            guard let seconds = parts.first.flatMap({ Double($0) }), parts.count <= 2,
                parts.count == 1 || Int32(parts[1]) != nil
            else { throw .other("fake runtime: bad exit-after fault \"\(text)\" (want SECONDS[:CODE])") }
            exitAfter = seconds
            if parts.count == 2 { exitCode = Int32(parts[1])! }
        }
        if let text = value("start-delay") {
            guard let seconds = Double(text) else {
                throw .other("fake runtime: bad start-delay fault \"\(text)\" (want SECONDS)")
            }
            startDelay = seconds
        }
        execHang = value("exec-hang").map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false
    }
}

/// `FAKE_RUNTIME_SLOW` in a runtime command's own environment: `SECONDS` for every command, or
/// `SUBCOMMAND=SECONDS,...` (e.g. `exec=2,ps=0.5`) to delay only those, before they do anything.
enum SlowCommandFault {
    static func delay(for subcommand: String, environment: [String: String]) -> Double? {
        guard let text = environment["FAKE_RUNTIME_SLOW"], !text.isEmpty else { return nil }
        if let seconds = Double(text) { return seconds }
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == subcommand, let seconds = Double(parts[1]) { return seconds }
        }
        return nil
    }
}
