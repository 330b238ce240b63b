import MiniCompose

/// `mini-compose config`: validate and print the normalized project.
struct ConfigCommand {
    static let summary = "validate the project and print it normalized"
    static let help = """
        Usage: mini-compose config [-f FILE]... [--env-file FILE] [--format yaml|json] [--services]
                                   [-q|--quiet] [--strict] [SERVICE...]

        Prints the project as the launcher will run it: variables substituted, files merged, extends
        applied, every default filled in, durations normalized, depends_on in long form.

          --format yaml|json   output format (default yaml)
          --services           print only the service names, one per line
          -q, --quiet          print nothing; exit 0 when the project is valid, 1 when not
          --strict             treat warnings (unknown keys, unset variables ...) as errors
          SERVICE...           only these services and what they depend on
        """

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        let format = try arguments.value("--format") ?? "yaml"
        guard format == "yaml" || format == "json" else {
            throw UsageError(message: "--format must be yaml or json, not \(format)")
        }
        let servicesOnly = arguments.flag("--services")
        let quiet = arguments.flag("-q", "--quiet")
        let strict = arguments.flag("--strict")
        let selected = try arguments.positionals()
        guard case .loaded(var project) = ProjectLoading.load(global, selecting: selected, strict: strict, quiet: quiet)
        else { return 1 }
        if !selected.isEmpty, let graph = try? DependencyGraph(project: project) {
            let keep = graph.closure(of: selected)
            project.services = project.services.filter { keep.contains($0.key) }
        }
        if quiet { return 0 }
        if servicesOnly {
            Terminal.out(project.serviceNames.map { $0 + "\n" }.joined())
            return 0
        }
        let document = ProjectRenderer.render(project)
        Terminal.out(format == "json" ? JSONEmitter.emit(document) + "\n" : YAMLEmitter.emit(document))
        return 0
    }
}
