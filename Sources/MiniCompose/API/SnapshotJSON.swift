import HTTPKit

/// How instances and services look in API responses (JSON) and in job logs (text).
enum SnapshotJSON {
    static func instance(_ snapshot: InstanceSnapshot) -> JSONValue {
        [
            "id": .string(snapshot.id), "project": .string(snapshot.project), "runtime": .string(snapshot.runtime),
            "host_ip": .string(snapshot.hostIP), "phase": .string(snapshot.phase),
            "healthy": .bool(snapshot.services.allSatisfy { $0.state == .healthy || $0.state == .running }),
            "services": .array(snapshot.services.map { service($0, runtime: snapshot.runtime) }),
        ]
    }

    static func service(_ record: ServiceRecord, runtime: String) -> JSONValue {
        var reason: JSONValue = .null
        if case .failed(let text) = record.state { reason = .string(text) }
        return [
            "service": .string(record.service), "state": .string(record.state.label), "reason": reason,
            "container": .string(record.container), "runtime": .string(runtime),
            "started_at": record.startedAt.map(JSONValue.double) ?? .null, "restarts": .int(Int64(record.restarts)),
            "ports": .array(record.ports.map(port)),
            "health": .array(record.health.map(probe)),
        ]
    }

    static func port(_ port: PortMapping) -> JSONValue {
        [
            "target": .int(Int64(port.target)), "published": port.published.map(JSONValue.string) ?? .null,
            "protocol": .string(port.protocol), "host_ip": port.hostIP.map(JSONValue.string) ?? .null,
        ]
    }

    static func probe(_ probe: ProbeResult) -> JSONValue {
        [
            "exit_code": probe.exitCode.map { .int(Int64($0)) } ?? .null, "output": .string(probe.output),
            "timed_out": .bool(probe.timedOut), "started_at": .double(probe.startedAt), "duration": .double(probe.duration),
        ]
    }

    /// `instance a (apptainer): db HEALTHY, web STARTING`, for curl in a job log.
    static func text(_ snapshot: InstanceSnapshot) -> String {
        let services = snapshot.services.map { "\($0.service) \($0.state.description)" }.joined(separator: ", ")
        return "instance \(snapshot.id) (\(snapshot.runtime), \(snapshot.phase)): \(services)\n"
    }
}
