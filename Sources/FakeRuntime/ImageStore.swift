import Foundation

/// The fake image store under `root/images/<id>/` (`image.json` and `rootfs/`).
struct ImageStore {
    let state: StateStore

    func directory(_ id: String) -> URL { state.imagesDirectory.appendingPathComponent(id) }
    func rootfs(_ id: String) -> URL { directory(id).appendingPathComponent("rootfs") }

    func all() -> [ImageRecord] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: state.imagesDirectory.path)) ?? []
        return ids.compactMap {
            StateStore.read(ImageRecord.self, from: directory($0).appendingPathComponent("image.json"))
        }
        .sorted { $0.created > $1.created }
    }

    /// Finds an image by `name[:tag]`, by full or short id, with or without `sha256:`.
    func find(_ reference: String) -> ImageRecord? {
        let images = all()
        let normalized = ImageReference(reference).normalized
        if let match = images.first(where: { $0.repoTags.contains(normalized) }) { return match }
        var id = reference
        if id.hasPrefix("sha256:") { id.removeFirst("sha256:".count) }
        guard id.count >= 4, id.allSatisfy(\.isHexDigit) else { return nil }
        return images.first { $0.id.hasPrefix(id) }
    }

    /// Stores a new image whose files are in `rootfs` (moved in), and gives it `tags` (taken from other images).
    func add(_ record: ImageRecord, rootfs source: URL?, tags: [String]) throws(FakeError) -> ImageRecord {
        let target = directory(record.id)
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            if let source {
                try FileManager.default.moveItem(at: source, to: rootfs(record.id))
            } else {
                try FileManager.default.createDirectory(at: rootfs(record.id), withIntermediateDirectories: true)
            }
        } catch {
            throw .file(path: target.path, reason: error.localizedDescription)
        }
        try StateStore.write(record, to: target.appendingPathComponent("image.json"))
        return try tag(record.id, tags)
    }

    /// Gives image `id` the `tags`, taking them from any other image that had them.
    /// Removes one name from an image that has others; the image itself stays.
    func untag(_ id: String, _ tag: String) throws(FakeError) {
        try state.locked { () throws(FakeError) in
            let file = directory(id).appendingPathComponent("image.json")
            guard var record = StateStore.read(ImageRecord.self, from: file) else { throw .noSuchImage(id) }
            record.repoTags.removeAll { $0 == tag }
            try StateStore.write(record, to: file)
        }
    }

    func tag(_ id: String, _ tags: [String]) throws(FakeError) -> ImageRecord {
        try state.locked { () throws(FakeError) -> ImageRecord in
            let target = directory(id)
            guard var record = StateStore.read(ImageRecord.self, from: target.appendingPathComponent("image.json"))
            else {
                throw .noSuchImage(id)
            }
            let normalized = tags.map { ImageReference($0).normalized }
            for var other in all() where other.id != record.id && !Set(other.repoTags).isDisjoint(with: normalized) {
                other.repoTags.removeAll { normalized.contains($0) }
                try StateStore.write(other, to: directory(other.id).appendingPathComponent("image.json"))
            }
            // Names keep the order they were given in, as podman lists them.
            for tag in normalized where !record.repoTags.contains(tag) { record.repoTags.append(tag) }
            try StateStore.write(record, to: target.appendingPathComponent("image.json"))
            return record
        }
    }

    /// Looks `reference` up in the fixture registry: `<registry>/<repository>/<tag>.tar` (a docker-archive) or
    /// `<registry>/<repository>/<tag>/` (a build context), and stores it.
    /// With `tagged` false the image is stored without a name, as apptainer's own cache is not docker's.
    func pull(_ reference: String, environment: [String: String], tagged: Bool = true) throws(FakeError)
        -> ImageRecord
    {
        let ref = ImageReference(reference)
        let base = state.registryDirectory(environment).appendingPathComponent(ref.repository)
        let archive = base.appendingPathComponent("\(ref.tag).tar")
        if FileManager.default.fileExists(atPath: archive.path) {
            let loaded = try DockerArchive(images: self).load(from: archive.path, tagged: false)
            if let image = loaded.first {
                return tagged ? try tag(image.id, [ref.normalized]) : image
            }
        }
        let context = base.appendingPathComponent(ref.tag)
        if FileManager.default.fileExists(atPath: context.appendingPathComponent("Dockerfile").path) {
            let request = BuildRequest(
                context: context.path, dockerfile: nil, buildArgs: [:], tags: [ref.normalized], target: nil, quiet: true
            )
            return try ImageBuilder(images: self, environment: environment).build(request)
        }
        throw .pullDenied(reference)
    }

    /// Finds `reference` locally, else pulls it; `announce` prints docker's "Unable to find image" line first.
    func findOrPull(_ reference: String, environment: [String: String], announce: Bool) throws(FakeError)
        -> ImageRecord
    {
        if let image = find(reference) { return image }
        if announce { Output.errLine("Unable to find image '\(ImageReference(reference).normalized)' locally") }
        return try pull(reference, environment: environment)
    }
}
