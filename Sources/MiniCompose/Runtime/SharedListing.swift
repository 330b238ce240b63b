/// One runtime listing (such as `apptainer instance list`) shared by every instance of this process that asks for
/// it at about the same time. Each copy of a stack watches its own containers, and a listing costs the runtime work
/// in proportion to all the containers it knows, so N copies each listing on every monitor tick would cost N² work.
///
/// A caller never gets a listing that began before it asked (a container it has just started must be in it): it
/// joins the next listing, which begins once the one in flight has ended.
actor SharedListing<Value: Sendable> {
    private struct Slot {
        var id: Int
        var task: Task<Value, any Error>
        var callers = 1
    }

    private var running: [String: Slot] = [:]
    private var next: [String: Slot] = [:]
    private var counter = 0

    /// Runs `body` for `key`, or joins the run of it that begins next.
    func run(key: String, _ body: @escaping @Sendable () async throws(LaunchError) -> Value) async throws(LaunchError)
        -> Value
    {
        let slot: Slot
        if var queued = next[key] {
            queued.callers += 1
            next[key] = queued
            slot = queued
        } else {
            counter += 1
            let id = counter
            let ahead = running[key]?.task
            let task = Task<Value, any Error> {
                if let ahead { _ = await ahead.result }
                self.begin(key: key, id: id)
                return try await body()
            }
            slot = Slot(id: id, task: task)
            if ahead == nil { running[key] = slot } else { next[key] = slot }
        }
        let result = await slot.task.result
        if running[key]?.id == slot.id { running[key] = nil }
        switch result {
        case .success(let value): return value
        case .failure(let error as LaunchError): throw error
        case .failure(let error): throw .runtimeFailed(command: key, status: "not run", stderr: "\(error)")
        }
    }

    /// How many callers wait for the listing that begins next under `key`.
    func waitingForNext(_ key: String) -> Int { next[key]?.callers ?? 0 }

    private func begin(key: String, id: Int) {
        guard let queued = next[key], queued.id == id else { return }
        running[key] = queued
        next[key] = nil
    }
}
