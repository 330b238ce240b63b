import Foundation

/// `build`, `images`, `image inspect`, `pull`, `load`, `save`, `tag` and `rmi` of the docker/podman face.
struct DockerImageCommands {
    let invocation: Invocation
    var images: ImageStore { invocation.images }

    func build(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .value("-t", "--tag"), .value("-f", "--file"), .value("--build-arg"), .value("--target"),
                .bool("-q", "--quiet"), .bool("--no-cache"), .bool("--pull"), .bool("--rm"), .value("--network"),
                .value("--platform"), .value("--label"), .value("--progress"), .bool("--load"),
            ],
            command: "build", stopAtPositional: false)
        guard flags.positionals.count == 1 else {
            throw .wrongArgumentCount(command: "build", expected: "exactly 1 argument")
        }
        var buildArgs: [String: String] = [:]
        for entry in flags.all("--build-arg") {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            buildArgs[parts[0]] = parts.count > 1 ? parts[1] : invocation.environment[parts[0]]
        }
        let context = invocation.absolute(flags.positionals[0])
        let request = BuildRequest(
            context: context, dockerfile: flags.last("--file").map { $0.hasPrefix("/") ? $0 : invocation.absolute($0) },
            buildArgs: buildArgs, tags: flags.all("--tag"), target: flags.last("--target"), quiet: flags.has("--quiet"))
        _ = try ImageBuilder(images: images, environment: invocation.environment).build(request)
        return 0
    }

    func images(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .bool("-a", "--all"), .bool("-q", "--quiet"), .value("--format"), .bool("--no-trunc"),
                .value("-f", "--filter"),
            ],
            command: "images", stopAtPositional: false)
        var rows: [[String: Any]] = []
        for image in images.all() {
            let tags = image.repoTags.isEmpty ? ["<none>:<none>"] : image.repoTags
            // Podman picks images by the name asked for, then lists every name they have; docker lists only
            // the names that match.
            let wanted = flags.positionals.first.map { ImageReference($0).repository }
            let imageMatches = wanted.map { name in tags.contains { ImageReference($0).repository == name } } ?? true
            for tag in tags {
                let ref = ImageReference(tag)
                let tagMatches = wanted == nil || wanted == ref.repository
                guard tagMatches || (invocation.face == .podman && imageMatches) else { continue }
                rows.append([
                    "ID": flags.has("--no-trunc") ? "sha256:\(image.id)" : image.shortID,
                    "Repository": tag == "<none>:<none>" ? "<none>" : Self.shown(ref.repository, face: invocation.face),
                    "Tag": tag == "<none>:<none>" ? "<none>" : ref.tag, "CreatedAt": image.created,
                    "CreatedSince": ContainerView.ago(image.created), "Size": "0B",
                ])
            }
        }
        if flags.has("--quiet") {
            for row in rows { Output.line(row["ID"] as! String) }
        } else if let format = flags.last("--format") {
            for row in rows {
                Output.line(format == "json" ? GoTemplate.json(row) : try GoTemplate.render(format, row))
            }
        } else {
            let columns = ["Repository", "Tag", "ID", "CreatedSince", "Size"]
            Output.out(
                Table.render(
                    headers: ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
                    rows: rows.map { row in columns.map { "\(row[$0]!)" } }))
        }
        return 0
    }

    /// Podman names a local image without a registry `localhost/<name>`; docker shows it as stored.
    /// Images pulled from the fixture registry are shown the same way, where podman would name their registry.
    static func shownTag(_ tag: String, face: Face) -> String {
        let reference = ImageReference(tag)
        return shown(reference.repository, face: face) + ":" + reference.tag
    }

    static func shown(_ repository: String, face: Face) -> String {
        guard face == .podman else { return repository }
        let domain = repository.split(separator: "/").first.map(String.init) ?? ""
        let qualified = repository.contains("/") && (domain.contains(".") || domain.contains(":"))
        return qualified ? repository : "localhost/" + repository
    }

    static func inspectObject(_ image: ImageRecord) -> [String: Any] {
        [
            "Id": "sha256:\(image.id)", "RepoTags": image.repoTags, "Created": image.created,
            "Parent": image.parent.map { "sha256:\($0)" } ?? "", "Config": image.dockerConfig(), "Os": "linux",
            "Architecture": "amd64", "Size": 0,
            "RootFS": ["Type": "layers", "Layers": ["sha256:\(image.id)"]] as [String: Any],
            "FakeRuntime": ["RunLines": image.runLines] as [String: Any],
        ]
    }

    func inspect(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-f", "--format")], command: "image inspect", stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "image inspect", expected: "at least 1 argument")
        }
        var objects: [Any] = []
        var missing: [String] = []
        for name in flags.positionals {
            if let image = images.find(name) { objects.append(Self.inspectObject(image)) } else { missing.append(name) }
        }
        if let format = flags.last("--format") {
            for object in objects { Output.line(try GoTemplate.render(format, object)) }
        } else {
            Output.line(DockerContainerCommands.prettyJSON(objects))
        }
        if let first = missing.first {
            throw invocation.face == .docker
                ? .exact(text: "Error: No such image: \(first)", code: 1)
                : .exact(text: "Error: inspecting object: \(first): image not known", code: 125)
        }
        return 0
    }

    func pull(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.bool("-q", "--quiet"), .value("--platform"), .bool("-a", "--all-tags")],
            command: "pull",
            stopAtPositional: false)
        guard flags.positionals.count == 1 else {
            throw .wrongArgumentCount(command: "pull", expected: "exactly 1 argument")
        }
        let reference = flags.positionals[0]
        let image = try images.pull(reference, environment: invocation.environment)
        let normalized = ImageReference(reference).normalized
        if flags.has("--quiet") {
            Output.line("docker.io/library/\(normalized)")
        } else {
            Output.line(
                "\(ImageReference(reference).tag): Pulling from library/\(ImageReference(reference).repository)")
            Output.line("Digest: sha256:\(image.id)")
            Output.line("Status: Downloaded newer image for \(normalized)")
            Output.line("docker.io/library/\(normalized)")
        }
        return 0
    }

    func load(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-i", "--input"), .bool("-q", "--quiet")], command: "load",
            stopAtPositional: false)
        guard let path = flags.last("--input") else {
            throw .other("requested load from stdin, but stdin is empty")
        }
        let loaded = try DockerArchive(images: images).load(from: invocation.absolute(path))
        for image in loaded {
            if image.repoTags.isEmpty { Output.line("Loaded image ID: sha256:\(image.id)") }
            for tag in image.repoTags { Output.line("Loaded image: \(tag)") }
        }
        return 0
    }

    func save(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-o", "--output")], command: "save", stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "save", expected: "at least 1 argument")
        }
        guard let output = flags.last("--output") else {
            throw .other("cowardly refusing to save to a terminal. Use the -o flag or redirect")
        }
        var records: [ImageRecord] = []
        for name in flags.positionals {
            guard var image = images.find(name) else {
                throw .exact(text: "Error response from daemon: reference does not exist", code: 1)
            }
            // A save by tag names that tag in the archive, as Docker does; by id it keeps all of them.
            if !name.allSatisfy(\.isHexDigit) { image.repoTags = [ImageReference(name).normalized] }
            records.append(image)
        }
        try DockerArchive(images: images).save(records, to: invocation.absolute(output))
        return 0
    }

    func tag(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(arguments, specs: [], command: "tag", stopAtPositional: false)
        guard flags.positionals.count == 2 else {
            throw .wrongArgumentCount(command: "tag", expected: "exactly 2 arguments")
        }
        guard let image = images.find(flags.positionals[0]) else {
            throw .exact(text: "Error response from daemon: No such image: \(flags.positionals[0])", code: 1)
        }
        _ = try images.tag(image.id, [flags.positionals[1]])
        return 0
    }

    func rmi(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.bool("-f", "--force")], command: "rmi", stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "rmi", expected: "at least 1 argument")
        }
        for name in flags.positionals {
            guard let image = images.find(name) else {
                if flags.has("--force") { continue }
                throw .noSuchImage(name)
            }
            let named = ImageReference(name).normalized
            if image.repoTags.count > 1, image.repoTags.contains(named) {
                // One name of several: only that name goes, as with docker and podman.
                try images.untag(image.id, named)
                Output.line("Untagged: \(Self.shownTag(named, face: invocation.face))")
                continue
            }
            try invocation.state.locked { () throws(FakeError) in
                try? FileManager.default.removeItem(at: images.directory(image.id))
            }
            for tag in image.repoTags { Output.line("Untagged: \(Self.shownTag(tag, face: invocation.face))") }
            Output.line("Deleted: sha256:\(image.id)")
        }
        return 0
    }
}
