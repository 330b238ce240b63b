import Foundation

/// What `docker build` was asked to do.
struct BuildRequest {
    let context: String
    let dockerfile: String?
    let buildArgs: [String: String]
    let tags: [String]
    let target: String?
    let quiet: Bool
    /// Prints nothing at all (a build done on the way to something else, such as a pull).
    var silent = false
}

/// Builds a fake image from a Dockerfile: configuration instructions are applied, COPY/ADD copy files from the
/// context into the image's own directory, RUN lines are recorded and not executed.
struct ImageBuilder {
    let images: ImageStore
    let environment: [String: String]

    private struct Stage {
        var name: String?
        var record: ImageRecord
        var rootfs: URL
        var cmdSetHere = false
    }

    func build(_ request: BuildRequest) throws(FakeError) -> ImageRecord {
        let contextURL = URL(fileURLWithPath: request.context)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contextURL.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw .buildFailed("unable to prepare context: path \"\(request.context)\" not found")
        }
        let dockerfilePath =
            request.dockerfile.map {
                $0.hasPrefix("/") ? $0 : contextURL.appendingPathComponent($0).path
            } ?? contextURL.appendingPathComponent("Dockerfile").path
        guard let text = try? String(contentsOfFile: dockerfilePath, encoding: .utf8) else {
            throw .buildFailed(
                "failed to read dockerfile: open \(dockerfilePath): no such file or directory")
        }
        if let message = environment["FAKE_RUNTIME_BUILD_FAIL"], !message.isEmpty {
            throw .buildFailed("process \"/bin/sh -c fake build failure\" did not complete successfully: \(message)")
        }
        let instructions = try DockerfileParser.parse(text)
        let workspace = images.state.root.appendingPathComponent("tmp").appendingPathComponent(
            "build-\(StateStore.randomHex(12))")
        defer { try? FileManager.default.removeItem(at: workspace) }

        var stages: [Stage] = []
        var globalArgs: [String: String] = [:]
        var stageArgs: [String: String] = [:]
        let total = instructions.count
        for (index, instruction) in instructions.enumerated() {
            if !request.quiet {
                Output.line("Step \(index + 1)/\(total) : \(instruction.keyword) \(instruction.arguments)")
            }
            if instruction.keyword == "ARG" {
                for (name, fallback) in DockerfileParser.pairs(instruction.arguments) {
                    let value = request.buildArgs[name] ?? (instruction.arguments.contains("=") ? fallback : nil)
                    if stages.isEmpty {
                        globalArgs[name] = value ?? ""
                    } else {
                        stageArgs[name] = value ?? globalArgs[name] ?? ""
                    }
                }
                continue
            }
            if instruction.keyword == "FROM" {
                let words = DockerfileParser.shellWords(DockerfileParser.substitute(instruction.arguments, globalArgs))
                    .filter { !$0.hasPrefix("--platform") }
                guard let base = words.first else {
                    throw .buildFailed("FROM requires an image (line \(instruction.line))")
                }
                let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2] : nil
                stages.append(
                    try startStage(base: base, name: name, stages: stages, workspace: workspace, index: stages.count))
                stageArgs = [:]
                continue
            }
            guard !stages.isEmpty else {
                throw .buildFailed(
                    "dockerfile parse error on line \(instruction.line): no build stage in current context")
            }
            var variables = stages[stages.count - 1].record.environmentMap
            variables.merge(stageArgs) { current, _ in current }
            try apply(
                instruction, to: &stages[stages.count - 1], variables: variables, stages: stages, context: contextURL)
        }
        guard var stage = request.target.map({ target in stages.first { $0.name == target } }) ?? stages.last else {
            if let target = request.target { throw .buildFailed("target stage \"\(target)\" could not be found") }
            throw .buildFailed("the Dockerfile (\(dockerfilePath)) cannot be empty")
        }
        if let message = stage.record.labels["fake.runtime.build-fail"] {
            throw .buildFailed("process \"/bin/sh -c fake build failure\" did not complete successfully: \(message)")
        }
        stage.record.id = StateStore.randomHex(64)
        stage.record.created = StateStore.timestamp()
        stage.record.repoTags = []
        let stored = try images.add(stage.record, rootfs: stage.rootfs, tags: request.tags)
        if request.silent {
            return stored
        } else if request.quiet {
            Output.line("sha256:\(stored.id)")
        } else {
            Output.line("Successfully built \(stored.shortID)")
            for tag in request.tags { Output.line("Successfully tagged \(ImageReference(tag).normalized)") }
        }
        return stored
    }

    private func startStage(base: String, name: String?, stages: [Stage], workspace: URL, index: Int) throws(FakeError)
        -> Stage
    {
        let rootfs = workspace.appendingPathComponent("stage-\(index)")
        if base == "scratch" {
            try makeDirectory(rootfs)
            return Stage(name: name, record: .empty(id: ""), rootfs: rootfs)
        }
        if let earlier = stages.first(where: { $0.name == base }) {
            try copyItem(earlier.rootfs, to: rootfs)
            return Stage(name: name, record: earlier.record, rootfs: rootfs)
        }
        let image = try images.findOrPull(base, environment: environment, announce: false)
        try copyItem(images.rootfs(image.id), to: rootfs)
        var record = image
        record.parent = image.id
        record.runLines = []
        return Stage(name: name, record: record, rootfs: rootfs)
    }

    private func apply(
        _ instruction: DockerfileInstruction, to stage: inout Stage, variables: [String: String], stages: [Stage],
        context: URL
    ) throws(FakeError) {
        let arguments = instruction.arguments
        switch instruction.keyword {
        case "ENV":
            for (name, value) in DockerfileParser.pairs(DockerfileParser.substitute(arguments, variables)) {
                stage.record.environment.removeAll { $0.hasPrefix(name + "=") }
                stage.record.environment.append("\(name)=\(value)")
            }
        case "LABEL":
            for (name, value) in DockerfileParser.pairs(DockerfileParser.substitute(arguments, variables)) {
                stage.record.labels[name] = value
            }
        case "WORKDIR":
            let path = DockerfileParser.substitute(arguments, variables)
            let base = stage.record.workingDirectory.isEmpty ? "/" : stage.record.workingDirectory
            stage.record.workingDirectory = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
            try makeDirectory(stage.rootfs.appendingPathComponent(stage.record.workingDirectory))
        case "ENTRYPOINT":
            stage.record.entrypoint = commandForm(arguments)
            if !stage.cmdSetHere { stage.record.cmd = nil }
        case "CMD":
            stage.record.cmd = commandForm(arguments)
            stage.cmdSetHere = true
        case "EXPOSE":
            for port in DockerfileParser.shellWords(DockerfileParser.substitute(arguments, variables)) {
                let entry = port.contains("/") ? port : "\(port)/tcp"
                if !stage.record.exposedPorts.contains(entry) { stage.record.exposedPorts.append(entry) }
            }
        case "USER":
            stage.record.user = DockerfileParser.substitute(arguments, variables)
        case "RUN":
            stage.record.runLines.append(arguments)
        case "COPY", "ADD":
            try copy(DockerfileParser.substitute(arguments, variables), into: stage, stages: stages, context: context)
        default:
            break  // SHELL, STOPSIGNAL, HEALTHCHECK, VOLUME, ONBUILD, MAINTAINER: accepted and not modelled.
        }
    }

    /// The exec form (`["a", "b"]`) as given, the shell form wrapped in `/bin/sh -c`.
    private func commandForm(_ text: String) -> [String] {
        if text.hasPrefix("["), let data = text.data(using: .utf8),
            let array = (try? JSONSerialization.jsonObject(with: data)) as? [String]
        {
            return array
        }
        return ["/bin/sh", "-c", text]
    }

    private func copy(_ text: String, into stage: Stage, stages: [Stage], context: URL) throws(FakeError) {
        var words = DockerfileParser.shellWords(text)
        var sourceRoot = context
        while let flag = words.first, flag.hasPrefix("--") {
            words.removeFirst()
            if flag.hasPrefix("--from=") {
                let from = String(flag.dropFirst("--from=".count))
                if let earlier = stages.first(where: { $0.name == from })
                    ?? Int(from).flatMap({
                        $0 < stages.count ? stages[$0] : nil
                    })
                {
                    sourceRoot = earlier.rootfs
                } else if let image = images.find(from) {
                    sourceRoot = images.rootfs(image.id)
                } else {
                    throw .buildFailed("failed to resolve source image \(from)")
                }
            }
        }
        if text.hasPrefix("["), let data = text.data(using: .utf8),
            let array = (try? JSONSerialization.jsonObject(with: data)) as? [String]
        {
            words = array
        }
        guard words.count >= 2 else { throw .buildFailed("COPY requires at least two arguments") }
        let destinationText = words.removeLast()
        let workdir = stage.record.workingDirectory.isEmpty ? "/" : stage.record.workingDirectory
        let destinationPath =
            destinationText.hasPrefix("/")
            ? destinationText : (workdir as NSString).appendingPathComponent(destinationText)
        let destination = stage.rootfs.appendingPathComponent(destinationPath)
        let intoDirectory = destinationText.hasSuffix("/") || words.count > 1
        for source in words {
            let sourceURL = sourceRoot.appendingPathComponent(source).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: sourceURL.path, isDirectory: &isDirectory) else {
                throw .buildFailed(
                    "failed to compute cache key: failed to calculate checksum of ref: \"/\(source)\": not found")
            }
            if isDirectory.boolValue {
                try makeDirectory(destination)
                let children = (try? FileManager.default.contentsOfDirectory(atPath: sourceURL.path)) ?? []
                for child in children {
                    try copyItem(sourceURL.appendingPathComponent(child), to: destination.appendingPathComponent(child))
                }
            } else if intoDirectory {
                try makeDirectory(destination)
                try copyItem(sourceURL, to: destination.appendingPathComponent(sourceURL.lastPathComponent))
            } else {
                try makeDirectory(destination.deletingLastPathComponent())
                try copyItem(sourceURL, to: destination)
            }
        }
    }

    private func makeDirectory(_ url: URL) throws(FakeError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .buildFailed("mkdir \(url.path): \(error.localizedDescription)")
        }
    }

    private func copyItem(_ source: URL, to destination: URL) throws(FakeError) {
        do {
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)
            }
            try FileManager.default.copyItem(at: source, to: destination)
        } catch {
            throw .buildFailed("copy \(source.path): \(error.localizedDescription)")
        }
    }
}
