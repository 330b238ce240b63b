import Foundation
import Glibc
import SystemKit

/// Builds a container record from what a run command resolved, reserves its name and starts it.
struct ContainerFactory {
    let invocation: Invocation
    let store: ContainerStore
    var state: StateStore { invocation.state }

    struct Spec {
        var id = StateStore.randomHex(64)
        var name: String
        var kind: String
        var image: String
        var imageRecord: ImageRecord
        var imageRoot: String
        var imagePath: String?
        var argv: [String]
        var environment: [(String, String)]
        var workingDirectory: String
        var user: String
        var hostname: String?
        var binds: [BindMount]
        var ports: [String]
        var extraHosts: [String]
        var labels: [String: String]
        var network: String?
        var gpus: String?
        var recordedFlags: [String]
        var autoRemove: Bool
    }

    static func instanceLogDirectory(_ invocation: Invocation, fallback: URL) -> URL {
        guard let home = invocation.environment["HOME"], !home.isEmpty else {
            return fallback.appendingPathComponent("instance-logs")
        }
        let host = SystemInfo.hostName
        let user = SystemInfo.userName
        let tool = invocation.face == .singularity ? "singularity" : "apptainer"
        return URL(fileURLWithPath: home).appendingPathComponent(".\(tool)/instances/logs/\(host)/\(user)")
    }

    func create(_ spec: Spec) throws(FakeError) -> ContainerRecord {
        var environment: [String] = []
        var seen: [String: Int] = [:]
        for (name, value) in spec.environment {
            if let index = seen[name] {
                environment[index] = "\(name)=\(value)"
            } else {
                seen[name] = environment.count
                environment.append("\(name)=\(value)")
            }
        }
        let map = Dictionary(spec.environment, uniquingKeysWith: { _, last in last })
        let faults = try Faults(
            labels: spec.imageRecord.labels.merging(spec.labels) { _, new in new }, environment: map)
        if let message = faults.startFailure { throw .startFailed(message) }
        guard let program = spec.argv.first else { throw .startFailed("no command specified") }
        let directory = store.directory(spec.name)
        // Instance logs outlive the instance, in the real tool's place for them:
        // ~/.apptainer/instances/logs/HOST/USER/NAME.out (.singularity for singularity).
        let logDirectory =
            spec.kind == "instance" ? Self.instanceLogDirectory(invocation, fallback: state.root) : directory
        try? FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        var binds = spec.binds
        if !spec.extraHosts.isEmpty && !binds.contains(where: { $0.destination == "/etc/hosts" }) {
            binds.append(
                BindMount(
                    source: directory.appendingPathComponent("hosts").path, destination: "/etc/hosts", readOnly: false))
        }
        let record = ContainerRecord(
            id: spec.id, name: spec.name, face: invocation.face, kind: spec.kind, image: spec.image,
            imageID: spec.imageRecord.id, imageRoot: spec.imageRoot, imagePath: spec.imagePath, path: program,
            arguments: Array(spec.argv.dropFirst()), environment: environment,
            workingDirectory: spec.workingDirectory,
            hostWorkingDirectory: ProgramResolver.hostDirectory(for: spec.workingDirectory, imageRoot: spec.imageRoot),
            user: spec.user, hostname: spec.hostname, binds: binds, ports: spec.ports, extraHosts: spec.extraHosts,
            labels: spec.imageRecord.labels.merging(spec.labels) { _, new in new }, network: spec.network,
            gpus: spec.gpus, recordedFlags: spec.recordedFlags, faults: faults, status: .created, pid: 0, monitorPid: 0,
            monitorStartTime: nil, programStartTime: nil, exitCode: 0, error: "", created: StateStore.timestamp(),
            startedAt: "0001-01-01T00:00:00Z", finishedAt: "0001-01-01T00:00:00Z",
            stdoutLog: logDirectory.appendingPathComponent(spec.kind == "instance" ? "\(spec.name).out" : "stdout.log")
                .path,
            stderrLog: logDirectory.appendingPathComponent(spec.kind == "instance" ? "\(spec.name).err" : "stderr.log")
                .path,
            autoRemove: spec.autoRemove)
        try store.reserve(record)
        if !spec.extraHosts.isEmpty {
            var text = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            for entry in spec.extraHosts {
                let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                text += "\(parts[1] == "host-gateway" ? "127.0.0.1" : parts[1])\t\(parts[0])\n"
            }
            try? text.write(to: directory.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        }
        return record
    }

    /// Starts a reserved container; a failure to start leaves it `created` with the exit code, as Docker does.
    func start(_ record: ContainerRecord) throws(FakeError) -> ContainerRecord {
        try ContainerLauncher(store: store).start(record.name)
    }

    /// A random `adjective_name` like Docker's, for containers run without `--name`.
    static func randomName() -> String {
        let adjectives = ["brave", "calm", "eager", "fervent", "gifted", "happy", "jolly", "keen", "lucid", "quirky"]
        let names = ["turing", "hopper", "lovelace", "noether", "curie", "dijkstra", "knuth", "ritchie", "shannon"]
        return "\(adjectives.randomElement()!)_\(names.randomElement()!)_\(StateStore.randomHex(4))"
    }
}
