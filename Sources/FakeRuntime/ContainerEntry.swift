import Glibc
import SystemKit

/// Turns this very process into a command running "inside" a container: in the container's mount namespace
/// (so its bind mounts, such as /etc/hosts, are visible), with the given environment and directory.
enum ContainerEntry {
    enum Failure: Error {
        case notFound(String)
        case notExecutable(String)
        case failed(String)
    }

    /// Replaces this process; returns only if that failed.
    static func enter(
        _ record: ContainerRecord?, imageRoot: String, argv: [String], environment: [String: String],
        workingDirectory: String
    ) -> Failure {
        if let record, record.pid > 0, MountNamespace.isSeparate(pid: record.pid) {
            // Without it the command still runs, but sees the host's files where the container has bind mounts.
            try? MountNamespace.join(pid: record.pid)
        }
        guard let program = argv.first else { return .failed("no command given") }
        switch ProgramResolver.resolve(program, imageRoot: imageRoot, environment: environment) {
        case .failure(.notFound):
            return .notFound(program)
        case .failure(.notExecutable(let path)):
            return .notExecutable(path)
        case .success(let path):
            let command = Command(
                path, Array(argv.dropFirst()), environment: environment, workingDirectory: workingDirectory,
                argv0: program)
            return .failed("\(ProcessImage.replace(with: command))")
        }
    }

    /// What an exec that hangs does: wait for a signal, with default dispositions so SIGTERM ends it.
    static func hang() -> Never {
        ProcessImage.resetSignals()
        while true { pause() }
    }
}
