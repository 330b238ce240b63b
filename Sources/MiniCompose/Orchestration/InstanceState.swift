import Foundation

/// What `working_dir/.mini-compose/<id>/state.json` holds: enough to show, stop or adopt an instance
/// from another mini-compose process, even after the compose file changed.
public struct InstanceState: Sendable, Codable, Equatable {
    public var id: String
    public var project: String
    public var composeFiles: [String]
    public var runtime: RuntimeKind
    public var runtimeExecutable: String
    public var hostIP: String
    public var workingDirectory: String
    public var phase: Instance.Phase
    /// The mini-compose process that runs the instance.
    public var ownerPID: Int32
    /// Services in the order they must stop, with their grace periods in seconds.
    public var stopOrder: [String]
    public var stopGrace: [String: Double]
    public var services: [ServiceRecord]
    public var updatedAt: Double
    /// The PortShift group and offset, when the instance runs under PortShift.
    public var portShift: InstanceSnapshot.PortShiftStatus?

    public static func path(workingDirectory: String, id: String) -> String {
        workingDirectory + "/.mini-compose/\(id)/state.json"
    }

    /// Reads one instance's state; nil when there is none.
    public static func load(workingDirectory: String, id: String) throws(LaunchError) -> InstanceState? {
        let path = Self.path(workingDirectory: workingDirectory, id: id)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(InstanceState.self, from: data)
        } catch {
            throw .fileSystem(path: path, reason: "unreadable instance state: \(error)")
        }
    }

    /// Every instance with state under `working_dir/.mini-compose/`, by id.
    public static func all(workingDirectory: String) -> [InstanceState] {
        let root = workingDirectory + "/.mini-compose"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.sorted().compactMap { name in
            guard InstanceConfiguration.isValidID(name) else { return nil }
            return try? load(workingDirectory: workingDirectory, id: name)
        }
    }

    func save() throws(LaunchError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else {
            throw .fileSystem(path: id, reason: "cannot encode instance state")
        }
        try StateFiles.writeAtomically(
            String(decoding: data, as: UTF8.self), to: Self.path(workingDirectory: workingDirectory, id: id),
            mode: 0o600)
    }
}

extension Instance {
    func currentState() -> InstanceState {
        let graces = members.map { ($0, configuration.project.services[$0]!.stopGracePeriod.seconds) }
        return InstanceState(
            id: id, project: configuration.project.name, composeFiles: configuration.project.composeFiles,
            runtime: configuration.runtime, runtimeExecutable: configuration.runtimeExecutable,
            hostIP: configuration.hostIP, workingDirectory: configuration.workingDirectory, phase: currentPhase,
            ownerPID: getpid(), stopOrder: graph.stopOrder.filter { records[$0] != nil },
            stopGrace: Dictionary(uniqueKeysWithValues: graces),
            services: members.compactMap { records[$0] }, updatedAt: Date().timeIntervalSince1970,
            portShift: portShiftStatus)
    }

    func saveState() throws(LaunchError) {
        try currentState().save()
    }
}
