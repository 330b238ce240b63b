import Foundation

/// Resolves the image argument of apptainer commands: a SIF path, `docker://` (the fixture registry),
/// `docker-daemon://` (the fake docker store) or `docker-archive://` (a `docker save` tar).
struct ApptainerImageSource {
    let invocation: Invocation

    struct Resolved {
        let record: ImageRecord
        let root: String
        let displayPath: String
    }

    func resolve(_ source: String) throws(FakeError) -> Resolved {
        let images = invocation.images
        if source.hasPrefix("docker://") {
            let ref = String(source.dropFirst("docker://".count))
            let image = try ApptainerCache(images: images, environment: invocation.environment).image(for: ref)
            return Resolved(record: image, root: images.rootfs(image.id).path, displayPath: source)
        }
        if source.hasPrefix("docker-daemon://") {
            let ref = String(source.dropFirst("docker-daemon://".count))
            guard let image = images.find(ref) else {
                throw .other(
                    "While performing build: conveyor failed to get: error loading image from docker engine: "
                        + "Error response from daemon: reference does not exist")
            }
            return Resolved(record: image, root: images.rootfs(image.id).path, displayPath: source)
        }
        if source.hasPrefix("docker-archive://") {
            let path = invocation.absolute(String(source.dropFirst("docker-archive://".count)))
            guard let image = try DockerArchive(images: images).load(from: path, tagged: false).first else {
                throw .other("While performing build: conveyor failed to get: no image in archive \(path)")
            }
            return Resolved(record: image, root: images.rootfs(image.id).path, displayPath: source)
        }
        let path = invocation.absolute(source)
        let (record, root) = try SifImage(state: invocation.state).open(path)
        return Resolved(record: record, root: root, displayPath: path)
    }
}

/// `apptainer build [-F] OUT.sif SOURCE`.
struct ApptainerBuild {
    let invocation: Invocation

    func run(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .bool("-F", "--force"), .bool("--fakeroot"), .bool("-s", "--sandbox"), .bool("--notest"),
                .bool("--fix-perms"), .bool("--disable-cache"), .value("--build-arg"), .bool("-T", "--notest"),
            ],
            command: "build", stopAtPositional: false)
        guard flags.positionals.count == 2 else {
            throw .wrongArgumentCount(command: "build", expected: "2 arguments")
        }
        let output = invocation.absolute(flags.positionals[0])
        if FileManager.default.fileExists(atPath: output) && !flags.has("--force") {
            throw .buildTargetExists(flags.positionals[0])
        }
        Output.info("Starting build...")
        let resolved = try ApptainerImageSource(invocation: invocation).resolve(flags.positionals[1])
        Output.info("Creating SIF file...")
        try SifImage(state: invocation.state).write(
            resolved.record, rootfs: URL(fileURLWithPath: resolved.root), to: output)
        Output.info("Build complete: \(flags.positionals[0])")
        return 0
    }
}
