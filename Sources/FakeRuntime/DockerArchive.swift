import Foundation
import SystemKit

/// Reads and writes `docker save` archives: `manifest.json`, one config JSON per image, one layer tar per image
/// holding the image's files, and `repositories`.
struct DockerArchive {
    let images: ImageStore

    func save(_ records: [ImageRecord], to path: String) throws(FakeError) {
        let staging = try temporaryDirectory("save")
        defer { try? FileManager.default.removeItem(at: staging) }
        var manifest: [[String: Any]] = []
        var repositories: [String: [String: String]] = [:]
        for record in records {
            let layerDirectory = staging.appendingPathComponent(record.id)
            try create(layerDirectory)
            try tar([
                "-C", images.rootfs(record.id).path, "-cf", layerDirectory.appendingPathComponent("layer.tar").path,
                ".",
            ])
            let config: [String: Any] = [
                "architecture": "amd64", "os": "linux", "created": record.created, "config": record.dockerConfig(),
                "rootfs": ["type": "layers", "diff_ids": ["sha256:\(record.id)"]],
                "history": record.runLines.map { ["created_by": "RUN \($0)", "empty_layer": true] },
            ]
            try writeJSON(config, to: staging.appendingPathComponent("\(record.id).json"))
            manifest.append([
                "Config": "\(record.id).json", "RepoTags": record.repoTags, "Layers": ["\(record.id)/layer.tar"],
            ])
            for tag in record.repoTags {
                let ref = ImageReference(tag)
                repositories[ref.repository, default: [:]][ref.tag] = record.id
            }
        }
        try writeJSON(manifest, to: staging.appendingPathComponent("manifest.json"))
        try writeJSON(repositories, to: staging.appendingPathComponent("repositories"))
        let members = ["manifest.json", "repositories"] + records.flatMap { ["\($0.id).json", $0.id] }
        try tar(["-C", staging.path, "-cf", path] + members)
    }

    /// Loads every image of the archive into the store and returns them, tagged as the archive says unless
    /// `tagged` is false (apptainer reads archives without touching docker's tags).
    func load(from path: String, tagged: Bool = true) throws(FakeError) -> [ImageRecord] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .file(path: path, reason: "no such file or directory")
        }
        let staging = try temporaryDirectory("load")
        defer { try? FileManager.default.removeItem(at: staging) }
        try tar(["-C", staging.path, "-xf", path])
        guard let manifestData = try? Data(contentsOf: staging.appendingPathComponent("manifest.json")),
            let manifest = (try? JSONSerialization.jsonObject(with: manifestData)) as? [[String: Any]]
        else {
            throw .other("open \(path): not a docker-archive: manifest.json missing or unreadable")
        }
        var loaded: [ImageRecord] = []
        for entry in manifest {
            guard let configName = entry["Config"] as? String,
                let configData = try? Data(contentsOf: staging.appendingPathComponent(configName)),
                let config = (try? JSONSerialization.jsonObject(with: configData)) as? [String: Any]
            else { throw .other("\(path): image config missing from archive") }
            let settings = config["config"] as? [String: Any] ?? [:]
            var record = ImageRecord.empty(id: StateStore.randomHex(64))
            record.created = config["created"] as? String ?? record.created
            record.environment = settings["Env"] as? [String] ?? []
            record.workingDirectory = settings["WorkingDir"] as? String ?? ""
            record.entrypoint = settings["Entrypoint"] as? [String]
            record.cmd = settings["Cmd"] as? [String]
            record.labels = settings["Labels"] as? [String: String] ?? [:]
            record.user = settings["User"] as? String ?? ""
            record.exposedPorts = ((settings["ExposedPorts"] as? [String: Any]) ?? [:]).keys.sorted()
            let rootfs = staging.appendingPathComponent("rootfs-\(record.id)")
            try create(rootfs)
            for layer in entry["Layers"] as? [String] ?? [] {
                try tar(["-C", rootfs.path, "-xf", staging.appendingPathComponent(layer).path])
            }
            let tags = tagged ? entry["RepoTags"] as? [String] ?? [] : []
            loaded.append(try images.add(record, rootfs: rootfs, tags: tags))
        }
        return loaded
    }

    private func temporaryDirectory(_ purpose: String) throws(FakeError) -> URL {
        let url = images.state.root.appendingPathComponent("tmp").appendingPathComponent(
            "\(purpose)-\(StateStore.randomHex(12))")
        try create(url)
        return url
    }

    private func create(_ url: URL) throws(FakeError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .file(path: url.path, reason: error.localizedDescription)
        }
    }

    private func writeJSON(_ value: Any, to url: URL) throws(FakeError) {
        do {
            try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]).write(to: url)
        } catch {
            throw .file(path: url.path, reason: error.localizedDescription)
        }
    }

    private func tar(_ arguments: [String]) throws(FakeError) {
        let result: RunResult
        do {
            result = try ProcessRunner().runBlocking(
                Command("tar", arguments, environment: ["PATH": "/usr/bin:/bin"]),
                options: RunOptions(timeout: .seconds(120)))
        } catch {
            throw .other("tar: \(error)")
        }
        guard result.status.isSuccess else {
            throw .other(
                "tar \(arguments.joined(separator: " ")): "
                    + result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
    }
}
