import HTTPKit

/// How instances and services look in API responses (JSON) and in job logs (text).
enum SnapshotJSON {
    static func instance(_ snapshot: InstanceSnapshot) -> JSONValue {
        var portShift: JSONValue = .null
        if let status = snapshot.portShift {
            portShift = [
                "group": .string(status.group), "offset": .int(Int64(status.offset)), "server": .string(status.server),
                "except_ports": .array(status.exceptPorts.map { .int(Int64($0)) }),
            ]
        }
        return [
            "id": .string(snapshot.id), "project": .string(snapshot.project), "runtime": .string(snapshot.runtime),
            "host_ip": .string(snapshot.hostIP), "phase": .string(snapshot.phase),
            "healthy": .bool(snapshot.services.allSatisfy { $0.state == .healthy || $0.state == .running }),
            "portshift": portShift,
            "services": .array(
                snapshot.services.map { service($0, runtime: snapshot.runtime, portShift: snapshot.portShift) }),
        ]
    }

    /// The status document of one instance, serialized, ending with a newline.
    static func document(_ snapshot: InstanceSnapshot) -> [UInt8] {
        var json = instance(snapshot).serialized()
        json.append(10)
        return json
    }

    static func service(
        _ record: ServiceRecord, runtime: String, portShift: InstanceSnapshot.PortShiftStatus? = nil
    ) -> JSONValue {
        var reason: JSONValue = .null
        if case .failed(let text) = record.state { reason = .string(text) }
        if case .exited = record.state, let line = lastLine(record.lastOutput) { reason = .string(line) }
        return [
            "service": .string(record.service), "state": .string(record.state.label), "reason": reason,
            "container": .string(record.container), "runtime": .string(runtime),
            "started_at": record.startedAt.map(JSONValue.double) ?? .null, "restarts": .int(Int64(record.restarts)),
            "ports": .array(record.ports.map { port($0, portShift: portShift, listening: record.listening) }),
            "health": .array(record.health.map(probe)),
            "last_output": record.lastOutput.map(JSONValue.string) ?? .null,
        ]
    }

    /// The last non-empty line of a container's output, for a one-line reason.
    static func lastLine(_ output: String?) -> String? {
        output?.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
    }

    /// A declared port, the port really used on the host network (shifted under PortShift), and whether the
    /// monitor last found something accepting TCP connections there on loopback.
    static func port(_ port: PortMapping, portShift: InstanceSnapshot.PortShiftStatus?, listening: [Int]) -> JSONValue {
        let actual = portShift?.shifted(port.target) ?? port.target
        return [
            "target": .int(Int64(port.target)), "published": port.published.map(JSONValue.string) ?? .null,
            "protocol": .string(port.protocol), "host_ip": port.hostIP.map(JSONValue.string) ?? .null,
            "actual": .int(Int64(actual)),
            "listening": port.protocol == "tcp" ? .bool(listening.contains(actual)) : .null,
        ]
    }

    static func probe(_ probe: ProbeResult) -> JSONValue {
        [
            "exit_code": probe.exitCode.map { .int(Int64($0)) } ?? .null, "output": .string(probe.output),
            "timed_out": .bool(probe.timedOut), "started_at": .double(probe.startedAt),
            "duration": .double(probe.duration),
        ]
    }

    /// `instance a (apptainer): db HEALTHY, web STARTING`, for curl in a job log.
    static func text(_ snapshot: InstanceSnapshot) -> String {
        let services = snapshot.services.map { record in
            var text = "\(record.service) \(record.state.description)"
            if case .exited = record.state, let line = lastLine(record.lastOutput) { text += " (\(line))" }
            if let portShift = snapshot.portShift, !record.ports.isEmpty {
                text +=
                    " ["
                    + record.ports.map { "\($0.target) -> \(portShift.shifted($0.target))" }.joined(separator: ", ")
                    + "]"
            }
            return text
        }.joined(separator: ", ")
        let group = snapshot.portShift.map { ", group \($0.group) offset \($0.offset)" } ?? ""
        return "instance \(snapshot.id) (\(snapshot.runtime), \(snapshot.phase)\(group)): \(services)\n"
    }
}
