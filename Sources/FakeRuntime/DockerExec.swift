import Foundation
import SystemKit

/// `exec` of the docker/podman face: this process becomes the command, inside the container.
extension DockerContainerCommands {
    func exec(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .value("-e", "--env"), .value("--env-file"), .value("-w", "--workdir"), .value("-u", "--user"),
                .bool("-i", "--interactive"), .bool("-t", "--tty"), .bool("-d", "--detach"), .bool("--privileged"),
            ],
            command: "exec", stopAtPositional: true)
        guard flags.positionals.count >= 2 else {
            throw .wrongArgumentCount(command: "exec", expected: "at least 2 arguments")
        }
        guard let record = store.find(flags.positionals[0]) else { throw .noSuchContainer(flags.positionals[0]) }
        guard record.status == .running else {
            throw .notRunning(name: record.name, id: record.id, action: "exec")
        }
        var environment = record.environmentMap
        for file in flags.all("--env-file") {
            for (key, value) in try EnvironmentParsing.dockerFile(
                invocation.absolute(file), host: invocation.environment)
            {
                environment[key] = value
            }
        }
        for entry in flags.all("--env") {
            if let (key, value) = try EnvironmentParsing.dockerEntry(entry, host: invocation.environment) {
                environment[key] = value
            }
        }
        let faults = (try? Faults(labels: record.labels, environment: environment)) ?? record.faults
        if faults.execHang || record.faults.execHang { ContainerEntry.hang() }
        let workdir =
            flags.last("--workdir").map {
                ProgramResolver.hostDirectory(for: $0, imageRoot: record.imageRoot)
            } ?? record.hostWorkingDirectory
        let argv = Array(flags.positionals.dropFirst())
        if flags.has("--detach") {
            // The same exec in the foreground, in a session of its own that outlives this command.
            let pairs = environment.sorted { $0.key < $1.key }.flatMap { ["-e", "\($0.key)=\($0.value)"] }
            let command = Command(
                ContainerLauncher.selfExecutable, ["exec", "-w", workdir] + pairs + [record.name] + argv,
                environment: invocation.environment, argv0: face.rawValue)
            do {
                _ = try Subprocess.spawn(command, options: SpawnOptions(newSession: true))
            } catch {
                throw .other("exec -d: \(error)")
            }
            return 0
        }
        let failure = ContainerEntry.enter(
            record, imageRoot: record.imageRoot, argv: argv, environment: environment, workingDirectory: workdir)
        throw execError(failure)
    }

    fileprivate func execError(_ failure: ContainerEntry.Failure) -> FakeError {
        let prefix =
            face == .docker
            ? "OCI runtime exec failed: exec failed: unable to start container process: exec: " : "Error: crun: "
        switch failure {
        case .notFound(let program):
            let text =
                face == .docker
                ? "\(prefix)\"\(program)\": executable file not found in $PATH: unknown"
                : "\(prefix)executable file `\(program)` not found in $PATH: No such file or directory: OCI runtime "
                    + "attempted to invoke a command that was not found"
            return .exact(text: text, code: 127)
        case .notExecutable(let path):
            return .exact(text: "\(prefix)\"\(path)\": permission denied: unknown", code: 126)
        case .failed(let message):
            return .exact(text: "\(prefix)\(message): unknown", code: 126)
        }
    }
}
