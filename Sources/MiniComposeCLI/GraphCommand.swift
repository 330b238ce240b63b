import MiniCompose

/// `mini-compose graph`: the start levels, or Graphviz DOT.
struct GraphCommand {
    static let summary = "print the start order by levels, or Graphviz DOT with --dot"
    static let help = """
        Usage: mini-compose graph [-f FILE]... [--dot] [SERVICE...]

        Prints the services level by level: every service of a level can start together once the
        levels above it are up. Stopping goes the other way. With SERVICE..., only those services
        and what they depend on.

          --dot    print a Graphviz digraph instead (edges point from a service to what it needs,
                   labelled with the condition): mini-compose graph --dot | dot -Tsvg > graph.svg
        """

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        let dot = arguments.flag("--dot")
        let selected = try arguments.positionals()
        guard case .loaded(let project) = ProjectLoading.load(global, selecting: selected) else { return 1 }
        guard let full = try? DependencyGraph(project: project) else { return 1 }
        let keep = selected.isEmpty ? Set(full.services) : full.closure(of: selected)
        let subset = project.services.filter { keep.contains($0.key) }
        guard let graph = try? DependencyGraph(dependencies: subset.mapValues { $0.dependsOn.map(\.service) }) else {
            return 1
        }
        if dot {
            Terminal.out(Self.dot(project: project, graph: graph))
        } else {
            for (index, level) in graph.levels.enumerated() {
                Terminal.out("level \(index): \(level.joined(separator: ", "))\n")
            }
        }
        return 0
    }

    static func dot(project: ComposeProject, graph: DependencyGraph) -> String {
        func quote(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["digraph \(quote(project.name)) {", "  rankdir=LR;", "  node [shape=box];"]
        for name in graph.services {
            let healthy = project.services[name]?.healthcheck?.test != nil
            lines.append("  \(quote(name))\(healthy ? " [style=rounded]" : "");")
        }
        for name in graph.services {
            for dependency in project.services[name]?.dependsOn.sorted(by: { $0.service < $1.service }) ?? [] {
                let style = dependency.required ? "" : ", style=dashed"
                let label = quote(dependency.condition.rawValue)
                lines.append("  \(quote(name)) -> \(quote(dependency.service)) [label=\(label)\(style)];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
