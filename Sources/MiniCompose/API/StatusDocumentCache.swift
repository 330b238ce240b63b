import HTTPKit
import Synchronization

/// The serialized JSON of each instance's last status document, reused while the instance's snapshot is unchanged.
/// Rendering a document costs several times what the rest of a request does, and pollers (the panel, scripts,
/// dashboards) mostly ask again before anything has changed. A snapshot equal to the cached one renders to the
/// same bytes, so a hit can never serve a stale answer.
final class StatusDocumentCache: Sendable {
    private struct Entry {
        let snapshot: InstanceSnapshot
        let json: [UInt8]
    }

    /// More ids than this and the cache starts over, so ids that come and go cannot make it grow for ever.
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 64) { self.capacity = capacity }

    /// The document of `snapshot` as JSON, ending with a newline.
    func json(for snapshot: InstanceSnapshot) -> [UInt8] {
        if let entry = entries.withLock({ $0[snapshot.id] }), entry.snapshot == snapshot {
            return entry.json
        }
        var json = SnapshotJSON.instance(snapshot).serialized()
        json.append(10)
        entries.withLock { entries in
            if entries.count >= capacity && entries[snapshot.id] == nil { entries.removeAll() }
            entries[snapshot.id] = Entry(snapshot: snapshot, json: json)
        }
        return json
    }
}
