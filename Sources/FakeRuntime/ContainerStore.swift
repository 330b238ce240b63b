import Foundation
import SystemKit

/// Containers (docker/podman) or instances (apptainer/singularity), one directory each: `record.json` and logs.
struct ContainerStore {
    let state: StateStore
    let base: URL

    static func containers(_ state: StateStore) -> ContainerStore {
        ContainerStore(state: state, base: state.containersDirectory)
    }

    static func instances(_ state: StateStore) -> ContainerStore {
        ContainerStore(state: state, base: state.instancesDirectory)
    }

    func directory(_ name: String) -> URL { base.appendingPathComponent(name) }
    func recordURL(_ name: String) -> URL { directory(name).appendingPathComponent("record.json") }

    func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Every record, with the state of any whose supervisor died brought up to date first.
    func all() -> [ContainerRecord] {
        names().compactMap { load($0) }.sorted { $0.created > $1.created }
    }

    /// Finds a container by name (with or without the leading `/`), full id or unique id prefix.
    func find(_ reference: String) -> ContainerRecord? {
        let name = reference.hasPrefix("/") ? String(reference.dropFirst()) : reference
        if let record = load(name) { return record }
        guard name.count >= 3 else { return nil }
        let matches = names().compactMap { StateStore.read(ContainerRecord.self, from: recordURL($0)) }
            .filter { $0.id.hasPrefix(name) }
        return matches.count == 1 ? load(matches[0].name) : nil
    }

    func load(_ name: String) -> ContainerRecord? {
        guard !name.contains("/"), let record = StateStore.read(ContainerRecord.self, from: recordURL(name)) else {
            return nil
        }
        return reconciled(record)
    }

    func save(_ record: ContainerRecord) throws(FakeError) {
        try StateStore.write(record, to: recordURL(record.name))
    }

    /// Re-reads the record under the lock, applies `change`, and writes it back; nil if the record is gone.
    @discardableResult
    func update(_ name: String, _ change: (inout ContainerRecord) -> Void) throws(FakeError) -> ContainerRecord? {
        try state.locked { () throws(FakeError) -> ContainerRecord? in
            guard var record = StateStore.read(ContainerRecord.self, from: recordURL(name)) else { return nil }
            change(&record)
            try save(record)
            return record
        }
    }

    /// Takes the record's name, or fails with the existing holder's id, as the real tools do.
    func reserve(_ record: ContainerRecord) throws(FakeError) {
        try state.locked { () throws(FakeError) in
            if let existing = StateStore.read(ContainerRecord.self, from: recordURL(record.name)) {
                throw record.kind == "instance"
                    ? .instanceExists(record.name) : .nameInUse(name: record.name, id: existing.id)
            }
            do {
                try FileManager.default.createDirectory(at: directory(record.name), withIntermediateDirectories: true)
            } catch {
                throw .file(path: directory(record.name).path, reason: error.localizedDescription)
            }
            try save(record)
        }
    }

    func remove(_ name: String) throws(FakeError) {
        try state.locked { () throws(FakeError) in
            do {
                try FileManager.default.removeItem(at: directory(name))
            } catch {
                throw .file(path: directory(name).path, reason: error.localizedDescription)
            }
        }
    }

    /// A record says running but its supervisor is gone (killed, or the machine restarted): if the program is
    /// gone too the container has exited with an unknown code, reported as 255 like a runtime that lost track.
    func reconciled(_ record: ContainerRecord) -> ContainerRecord {
        guard record.status == .running else { return record }
        if Self.alive(pid: record.monitorPid, startTime: record.monitorStartTime) { return record }
        if Self.alive(pid: record.pid, startTime: record.programStartTime) { return record }
        let updated = try? update(record.name) { current in
            guard current.status == .running else { return }
            current.status = .exited
            current.exitCode = 255
            current.error = "container supervisor vanished; exit status unknown"
            current.finishedAt = StateStore.timestamp()
        }
        return updated ?? record
    }

    static func alive(pid: Int32, startTime: UInt64?) -> Bool {
        guard pid > 0, ProcessWatch.isRunning(pid) else { return false }
        guard let startTime else { return true }
        return ProcessWatch.startTime(of: pid) == startTime
    }
}
