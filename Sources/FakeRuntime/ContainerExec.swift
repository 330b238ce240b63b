import Foundation
import Glibc
import SystemKit

/// `FakeRuntime __exec DIR`: becomes the container's program. Makes the bind mounts in a private mount namespace,
/// then replaces itself with the program, reporting a failure to start on descriptor 3.
enum ContainerExec {
    static func main(directory: String) -> Int32 {
        let statusFD: Int32 = 3
        Descriptors.setCloseOnExec(statusFD)
        let url = URL(fileURLWithPath: directory)
        let store = ContainerStore(
            state: StateStore(root: url.deletingLastPathComponent().deletingLastPathComponent()),
            base: url.deletingLastPathComponent())
        guard let record = StateStore.read(ContainerRecord.self, from: store.recordURL(url.lastPathComponent)) else {
            ExecStatus.report(statusFD, code: 125, kind: "other", message: "container record missing")
            return 125
        }
        let binds = BindApplier.apply(record.binds)
        if !binds.isEmpty { _ = try? store.update(record.name) { $0.binds = binds } }

        let environment = record.environmentMap
        if record.path.isEmpty {
            // An instance started from an image without a startscript runs nothing, yet stays up until stopped.
            Descriptors.close(statusFD)
            ContainerEntry.hang()
        }
        let program: String
        switch ProgramResolver.resolve(record.path, imageRoot: record.imageRoot, environment: environment) {
        case .success(let path):
            program = path
        case .failure(.notFound):
            ExecStatus.report(statusFD, code: 127, kind: "notfound", message: record.path)
            return 127
        case .failure(.notExecutable(let path)):
            ExecStatus.report(statusFD, code: 126, kind: "notexec", message: path)
            return 126
        }
        if let delay = record.faults.startDelay {
            Descriptors.close(statusFD)
            usleep(UInt32(delay * 1_000_000))
        }
        let command = Command(
            program, record.arguments, environment: environment, workingDirectory: record.hostWorkingDirectory,
            argv0: record.path)
        let error = ProcessImage.replace(with: command)
        ExecStatus.report(statusFD, code: 126, kind: "other", message: "\(error)")
        Output.errLine("fake runtime: cannot start \(record.path): \(error)")
        return 126
    }
}

/// Makes bind mounts for real in a private mount namespace when this process may (root, or user namespaces);
/// otherwise, or for a destination the host does not have, records them as not applied, with the reason.
enum BindApplier {
    static func apply(_ binds: [BindMount]) -> [BindMount] {
        guard !binds.isEmpty else { return [] }
        var result = binds
        do {
            try MountNamespace.enterPrivate()
        } catch {
            for index in result.indices {
                result[index].applied = false
                result[index].note = "no private mount namespace: \(error)"
            }
            return result
        }
        for index in result.indices {
            let bind = result[index]
            guard access(bind.destination, F_OK) == 0 else {
                result[index].applied = false
                result[index].note = "destination does not exist on the host; recorded only"
                continue
            }
            do {
                try MountNamespace.bind(source: bind.source, target: bind.destination, readOnly: bind.readOnly)
                result[index].applied = true
            } catch {
                result[index].applied = false
                result[index].note = "\(error)"
            }
        }
        return result
    }
}
