/// The `depends_on` graph of a project: start levels, a deterministic start order, the stop order,
/// and the services a subset needs.
public struct DependencyGraph: Sendable {
    /// Every service, sorted.
    public let services: [String]
    /// The services each one depends on, sorted.
    public let dependencies: [String: [String]]
    /// The services that depend on each one, sorted.
    public let dependents: [String: [String]]
    /// Services that can start together: level 0 depends on nothing, level n on something in level n-1.
    public let levels: [[String]]

    public struct Cycle: Error, Equatable, Sendable {
        /// The services around the cycle, the first repeated at the end: `[a, b, c, a]`.
        public var path: [String]

        public init(path: [String]) { self.path = path }

        public var description: String { path.joined(separator: " -> ") }
    }

    /// Builds the graph; edges to services not in `dependencies`' keys are ignored (the loader reports them).
    public init(dependencies: [String: [String]]) throws(Cycle) {
        let names = dependencies.keys.sorted()
        var edges: [String: [String]] = [:]
        var reverse: [String: [String]] = [:]
        for name in names {
            let targets = Set(dependencies[name] ?? []).filter { dependencies[$0] != nil }.sorted()
            edges[name] = targets
            for target in targets { reverse[target, default: []].append(name) }
        }
        if let cycle = Self.findCycle(names: names, edges: edges) { throw Cycle(path: cycle) }
        var level: [String: Int] = [:]
        for name in Self.topologicalOrder(names: names, edges: edges) {
            level[name] = (edges[name] ?? []).map { level[$0]! + 1 }.max() ?? 0
        }
        var levels = [[String]](repeating: [], count: (level.values.max() ?? -1) + 1)
        for name in names { levels[level[name]!].append(name) }
        services = names
        self.dependencies = edges
        dependents = reverse.mapValues { $0.sorted() }
        self.levels = levels
    }

    /// Level by level, alphabetical within a level.
    public var startOrder: [String] { levels.flatMap { $0 } }

    /// The start order reversed: dependents stop before what they depend on.
    public var stopOrder: [String] { startOrder.reversed() }

    /// `selected` and everything it needs, transitively (what `up web` starts).
    public func closure(of selected: some Sequence<String>) -> Set<String> {
        var result: Set<String> = []
        var pending = Array(selected)
        while let name = pending.popLast() {
            guard result.insert(name).inserted else { continue }
            pending.append(contentsOf: dependencies[name] ?? [])
        }
        return result
    }

    /// `selected` and everything that depends on it, transitively (what must stop before it).
    public func dependentClosure(of selected: some Sequence<String>) -> Set<String> {
        var result: Set<String> = []
        var pending = Array(selected)
        while let name = pending.popLast() {
            guard result.insert(name).inserted else { continue }
            pending.append(contentsOf: dependents[name] ?? [])
        }
        return result
    }

    private static func findCycle(names: [String], edges: [String: [String]]) -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var stack: [String] = []
        func visit(_ name: String) -> [String]? {
            marks[name] = .visiting
            stack.append(name)
            for next in edges[name] ?? [] {
                switch marks[next] {
                case .visiting:
                    let start = stack.firstIndex(of: next)!
                    return Array(stack[start...]) + [next]
                case .done:
                    continue
                case nil:
                    if let cycle = visit(next) { return cycle }
                }
            }
            stack.removeLast()
            marks[name] = .done
            return nil
        }
        for name in names where marks[name] == nil {
            if let cycle = visit(name) { return cycle }
        }
        return nil
    }

    /// Dependencies before dependents (Kahn's algorithm; the graph is known to be acyclic).
    private static func topologicalOrder(names: [String], edges: [String: [String]]) -> [String] {
        var remaining = edges.mapValues { $0.count }
        var users: [String: [String]] = [:]
        for (name, targets) in edges {
            for target in targets { users[target, default: []].append(name) }
        }
        var ready = names.filter { remaining[$0] == 0 }
        var order: [String] = []
        while let name = ready.popLast() {
            order.append(name)
            for user in users[name] ?? [] {
                remaining[user]! -= 1
                if remaining[user] == 0 { ready.append(user) }
            }
        }
        return order
    }
}
