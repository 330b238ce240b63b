/// A bind mount asked for, and whether it could really be made inside the container's mount namespace.
struct BindMount: Codable, Equatable {
    var source: String
    var destination: String
    var readOnly: Bool
    /// Set once the container started: true if mounted for real, false if only recorded.
    var applied: Bool?
    var note: String?
}

/// Where a container is in its life, as `docker ps` and `inspect` show it.
enum ContainerStatus: String, Codable {
    case created, running, exited
}

/// Everything FakeRuntime knows about one container or instance; stored as `record.json` in its directory.
struct ContainerRecord: Codable {
    var id: String
    var name: String
    var face: Face
    /// `container` for docker/podman, `instance` for apptainer/singularity.
    var kind: String
    var image: String
    var imageID: String
    /// Where the image's files are (the store's rootfs or an unpacked SIF).
    var imageRoot: String
    /// The SIF path an instance runs, as `instance list` shows it.
    var imagePath: String?
    var path: String
    var arguments: [String]
    var environment: [String]
    var workingDirectory: String
    /// The directory the process really starts in (the image's copy when the path does not exist on the host).
    var hostWorkingDirectory: String
    var user: String
    var hostname: String?
    var binds: [BindMount]
    var ports: [String]
    var extraHosts: [String]
    var labels: [String: String]
    var network: String?
    var gpus: String?
    /// Flags accepted and recorded without a host-process meaning, such as `--nv` or `--writable-tmpfs`.
    var recordedFlags: [String]
    var faults: Faults
    var status: ContainerStatus
    var pid: Int32
    var monitorPid: Int32
    var monitorStartTime: UInt64?
    var programStartTime: UInt64?
    var exitCode: Int32
    var error: String
    var created: String
    var startedAt: String
    var finishedAt: String
    var stdoutLog: String
    var stderrLog: String
    var autoRemove: Bool

    var shortID: String { String(id.prefix(12)) }

    var environmentMap: [String: String] {
        var map: [String: String] = [:]
        for entry in environment {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            map[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return map
    }
}
