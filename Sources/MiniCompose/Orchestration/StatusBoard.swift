import Synchronization

/// One instance's latest status, published by the instance on every change and read without waiting on it.
///
/// Status requests are the hottest path of the server (the panel polls every second, scripts and dashboards more
/// often); reading a published value keeps them off the instance's actor, so they neither queue behind a start
/// nor cost a thread hand-over. The slot also keeps the last rendering of the status, made at most once per change.
public final class StatusSlot: Sendable {
    private struct Published {
        var snapshot: InstanceSnapshot
        var version: UInt64
        var rendered: [UInt8]?
    }

    private let published: Mutex<Published>

    init(_ snapshot: InstanceSnapshot) {
        published = Mutex(Published(snapshot: snapshot, version: 0))
    }

    /// The status as last published.
    public var snapshot: InstanceSnapshot { published.withLock { $0.snapshot } }

    func publish(_ snapshot: InstanceSnapshot) {
        published.withLock { current in
            guard current.snapshot != snapshot else { return }
            current = Published(snapshot: snapshot, version: current.version &+ 1)
        }
    }

    /// The status rendered by `render`, reused until the next change. Renders outside the lock, so a slow
    /// rendering never holds up the instance publishing; a rendering of a status already replaced is not kept.
    public func rendering(_ render: (InstanceSnapshot) -> [UInt8]) -> [UInt8] {
        let (snapshot, version, rendered) = published.withLock { ($0.snapshot, $0.version, $0.rendered) }
        if let rendered { return rendered }
        let fresh = render(snapshot)
        published.withLock { current in
            if current.version == version { current.rendered = fresh }
        }
        return fresh
    }
}

/// The status slots of a controller's instances by id, mirroring the instances it holds.
public final class StatusBoard: Sendable {
    private let slots = Mutex<[String: StatusSlot]>([:])

    public init() {}

    func replace(_ new: [String: StatusSlot]) {
        slots.withLock { $0 = new }
    }

    public func slot(_ id: String) -> StatusSlot? {
        slots.withLock { $0[id] }
    }

    /// Every instance's slot, ordered by id.
    public var all: [StatusSlot] {
        slots.withLock { slots in slots.keys.sorted().map { slots[$0]! } }
    }
}
