import Foundation
import MiniCompose

/// Shows each service's state while `up` runs: lines redrawn in place on a terminal, one plain line per
/// change otherwise (job logs, pipes).
final class ProgressPrinter: @unchecked Sendable {
    private let interactive = isatty(STDOUT_FILENO) == 1
    private let started = Date()
    private var last: [String: String] = [:]
    private var drawnLines = 0

    func show(_ snapshot: InstanceSnapshot) {
        let elapsed = String(format: "%6.1fs", Date().timeIntervalSince(started))
        let width = snapshot.services.map(\.service.count).max() ?? 0
        if interactive {
            var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
            for record in snapshot.services {
                let name = record.service.padding(toLength: width, withPad: " ", startingAt: 0)
                text += "\u{1B}[2K \(Self.symbol(record.state)) \(name)  \(record.state)  \(elapsed)\n"
            }
            drawnLines = snapshot.services.count
            Terminal.out(text)
            return
        }
        for record in snapshot.services where last[record.service] != record.state.description {
            last[record.service] = record.state.description
            let name = record.service.padding(toLength: width, withPad: " ", startingAt: 0)
            Terminal.out("[\(elapsed)] \(name)  \(record.state)\n")
        }
    }

    private static func symbol(_ state: ServiceState) -> String {
        switch state {
        case .healthy, .running: "✔"
        case .unhealthy, .failed, .exited: "✘"
        default: "…"
        }
    }
}
