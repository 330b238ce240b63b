import Foundation

/// The offset table on disk, so a restarted server hands running groups the offsets they already use.
///
/// Format: `{"version": 1, "groups": {"<group>": <offset>, ...}}`, replaced atomically on every change.
public struct OffsetStateFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Reads the saved assignments into a table of `layout`; a missing file is an empty table.
    public func load(layout: OffsetLayout) throws(StateFileError) -> OffsetTable {
        var table = OffsetTable(layout: layout)
        guard FileManager.default.fileExists(atPath: path) else { return table }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StateFileError(path: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["version"] as? Int == 1, let groups = object["groups"] as? [String: Any]
        else {
            throw StateFileError(path: path, problem: "is not a PortShift state file (expected version 1 JSON)")
        }
        for (group, value) in groups.sorted(by: { $0.key < $1.key }) {
            guard let offset = value as? Int, table.restore(group, offset: offset) else {
                throw StateFileError(
                    path: path,
                    problem: "group '\(group)' has offset \(value), which this configuration cannot hand out"
                        + " (first offset \(layout.firstOffset), window \(layout.window),"
                        + " \(layout.maxGroups) groups) or which another group already holds")
            }
        }
        return table
    }

    /// Replaces the file with the table's assignments: written to a temporary file, then renamed over it, so a
    /// restarted server reads the old table or the new one. Not synced: the groups it lists are running programs,
    /// which a crash of the machine ends too, and a sync on every offset handed out would make clients queue.
    public func save(_ table: OffsetTable) throws(StateFileError) {
        var groups: [String: Int] = [:]
        for (group, offset) in table.assignments { groups[group] = offset }
        let bytes: Data
        do {
            bytes = try JSONSerialization.data(
                withJSONObject: ["version": 1, "groups": groups], options: [.sortedKeys, .prettyPrinted])
        } catch {
            throw StateFileError(path: path, problem: "cannot be encoded (\(error.localizedDescription))")
        }
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else {
            let error = failure("cannot write \(temporary)")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot replace it")
            unlink(temporary)
            throw error
        }
    }

    private func failure(_ what: String) -> StateFileError {
        StateFileError(path: path, problem: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// A state file that cannot be read, understood or written.
public struct StateFileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public var description: String { "state file \(path): \(problem)" }
}
