import Foundation
import SystemKit

/// Why starting, watching or stopping something failed. Cases carry the facts; `description` is the one
/// place that words them, and `httpStatus` says how the API reports them.
public enum LaunchError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidRuntime(String)
    case runtimeNotFound(RuntimeKind, detail: String)
    /// A runtime command exited non-zero; `stderr` is the runtime's own message.
    case runtimeFailed(command: String, status: String, stderr: String)
    case runtimeTimedOut(command: String, seconds: Double)
    case imageUnavailable(service: String, reason: String)
    case invalidName(String, rule: String)
    case dependencyFailed(service: String, dependency: String, reason: String)
    /// The dependency could not start either, because of `origin` further up the chain.
    case upstreamFailed(service: String, dependency: String, origin: String, reason: String)
    case containerExited(service: String, code: Int32?)
    case fileSystem(path: String, reason: String)
    case instanceRunning(String)
    case unknownInstance(String)
    case unknownService(String, suggestion: String?)
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidRuntime(let name):
            let choices = RuntimeKind.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown runtime \"\(name)\"; choose one of \(choices)"
        case .runtimeNotFound(let kind, let detail):
            return "the \(kind.rawValue) runtime cannot be run: \(detail) (put it on PATH or set \(kind.pathVariable))"
        case .runtimeFailed(let command, let status, let stderr):
            let message = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(command) failed (\(status))" + (message.isEmpty ? "" : ": \(message)")
        case .runtimeTimedOut(let command, let seconds):
            return "\(command) did not finish within \(ComposeDuration.seconds(seconds)) and was killed"
        case .imageUnavailable(let service, let reason):
            return "no image for service \"\(service)\": \(reason)"
        case .invalidName(let name, let rule):
            return "\"\(name)\" is not a valid name (\(rule))"
        case .dependencyFailed(let service, let dependency, let reason):
            return "service \"\(service)\" cannot start: its dependency \"\(dependency)\" \(reason)"
        case .upstreamFailed(let service, let dependency, let origin, let reason):
            return "service \"\(service)\" cannot start: its dependency \"\(dependency)\" could not start either, "
                + "because \"\(origin)\" \(reason)"
        case .containerExited(let service, let code):
            return "service \"\(service)\" exited" + (code.map { " with code \($0)" } ?? "")
        case .fileSystem(let path, let reason):
            return "\(path): \(reason)"
        case .instanceRunning(let id):
            return "instance \"\(id)\" is already running"
        case .unknownInstance(let id):
            return "no instance \"\(id)\""
        case .unknownService(let name, let suggestion):
            return "no service \"\(name)\"" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? "")
        case .unsupported(let what):
            return what
        }
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
