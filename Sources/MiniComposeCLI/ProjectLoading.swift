import MiniCompose

/// Loads the project for a command and prints its diagnostics to standard error with the source lines.
enum ProjectLoading {
    enum Outcome {
        case loaded(ComposeProject)
        /// Errors (or, under `--strict`, warnings) were printed; the command exits 1.
        case failed
    }

    static func load(
        _ global: GlobalOptions, selecting services: [String] = [], strict: Bool = false, quiet: Bool = false
    ) -> Outcome {
        let loader = ComposeLoader(
            options: global.loadOptions(selecting: services), logger: global.logger.child(component: "loader"))
        do {
            let project = try loader.load()
            if !project.warnings.isEmpty && (strict || !quiet) {
                Terminal.err(loader.renderer.render(project.warnings))
            }
            if strict && !project.warnings.isEmpty {
                Terminal.err("error: \(project.warnings.count) warning(s) and --strict is set\n")
                return .failed
            }
            return .loaded(project)
        } catch {
            let shown = quiet && !strict ? error.errors : error.diagnostics
            Terminal.err(loader.renderer.render(shown))
            return .failed
        }
    }
}
