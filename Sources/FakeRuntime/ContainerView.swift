import Foundation

/// How a container looks to `inspect` and `ps`.
enum ContainerView {
    static func inspect(_ record: ContainerRecord, face: Face) -> [String: Any] {
        let running = record.status == .running
        var portBindings: [String: Any] = [:]
        for port in record.ports {
            let parts = port.split(separator: ":").map(String.init)
            let container = parts.last.map { $0.contains("/") ? $0 : "\($0)/tcp" } ?? port
            let hostPort = parts.count >= 2 ? parts[parts.count - 2] : ""
            let hostIP = parts.count == 3 ? parts[0] : ""
            portBindings[container] = [["HostIp": hostIP, "HostPort": hostPort]]
        }
        return [
            "Id": record.id,
            "Created": record.created,
            "Path": record.path,
            "Args": record.arguments,
            "State": [
                "Status": record.status.rawValue, "Running": running, "Paused": false, "Restarting": false,
                "OOMKilled": false, "Dead": false, "Pid": running ? Int(record.pid) : 0,
                "ExitCode": Int(record.exitCode),
                "Error": record.error, "StartedAt": record.startedAt, "FinishedAt": record.finishedAt,
            ] as [String: Any],
            "Image": "sha256:\(record.imageID)",
            "Name": face == .podman ? record.name : "/\(record.name)",
            "LogPath": record.stdoutLog,
            "HostConfig": [
                "Binds": record.binds.map { "\($0.source):\($0.destination)\($0.readOnly ? ":ro" : "")" },
                "PortBindings": portBindings, "NetworkMode": record.network ?? "default",
                "ExtraHosts": record.extraHosts,
                "AutoRemove": record.autoRemove,
            ] as [String: Any],
            "Config": [
                "Hostname": record.hostname ?? String(record.id.prefix(12)), "User": record.user,
                "Env": record.environment,
                "Cmd": record.arguments.isEmpty ? [record.path] : [record.path] + record.arguments,
                "Image": record.image,
                "WorkingDir": record.workingDirectory, "Labels": record.labels,
            ] as [String: Any],
            "Mounts": record.binds.map { bind -> [String: Any] in
                [
                    "Type": "bind", "Source": bind.source, "Destination": bind.destination,
                    "Mode": bind.readOnly ? "ro" : "",
                    "RW": !bind.readOnly, "Propagation": "rprivate", "Applied": bind.applied ?? false,
                    "Note": bind.note ?? "",
                ]
            },
            "FakeRuntime": [
                "HostWorkingDir": record.hostWorkingDirectory, "MonitorPid": Int(record.monitorPid),
                "RecordedFlags": record.recordedFlags, "Gpus": record.gpus ?? "", "StdoutLog": record.stdoutLog,
                "StderrLog": record.stderrLog,
            ] as [String: Any],
        ]
    }

    static func psRow(_ record: ContainerRecord, noTrunc: Bool) -> [String: Any] {
        let command = ([record.path] + record.arguments).joined(separator: " ")
        let shownCommand = noTrunc || command.count <= 20 ? command : String(command.prefix(19)) + "…"
        return [
            "ID": noTrunc ? record.id : record.shortID,
            "Image": record.image,
            "Command": "\"\(shownCommand)\"",
            "CreatedAt": record.created,
            "RunningFor": ago(record.created),
            "Ports": record.ports.joined(separator: ", "),
            "State": record.status.rawValue,
            "Status": status(record),
            "Names": record.name,
            "Labels": record.labels.keys.sorted().map { "\($0)=\(record.labels[$0]!)" }.joined(separator: ","),
            "Mounts": record.binds.map(\.destination).joined(separator: ","),
            "Networks": record.network ?? "bridge",
            "Size": "0B",
        ]
    }

    static func status(_ record: ContainerRecord) -> String {
        switch record.status {
        case .created: return "Created"
        case .running: return "Up \(humanDuration(since: record.startedAt))"
        case .exited: return "Exited (\(record.exitCode)) \(ago(record.finishedAt))"
        }
    }

    static func ago(_ timestamp: String) -> String { "\(humanDuration(since: timestamp)) ago" }

    /// Docker's wording for elapsed time: "Less than a second", "5 seconds", "About a minute", "3 hours", ...
    static func humanDuration(since timestamp: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: timestamp) else { return "Less than a second" }
        let seconds = Int(Date().timeIntervalSince(date))
        switch seconds {
        case ..<1: return "Less than a second"
        case ..<60: return "\(seconds) seconds"
        case ..<120: return "About a minute"
        case ..<3600: return "\(seconds / 60) minutes"
        case ..<7200: return "About an hour"
        case ..<172_800: return "\(seconds / 3600) hours"
        default: return "\(seconds / 86400) days"
        }
    }
}
