import Foundation
import Glibc

/// Apptainer's cache of images converted from `docker://` references: the first run of a reference converts it,
/// later runs reuse the result, as real apptainer reuses the SIF it keeps in its cache.
///
/// An entry is keyed by the reference and remembers a stamp of the registry entry it came from (sizes and
/// modification times of its files), so an image published again under the same name is converted again.
/// Conversions of one reference are serialised by a lock of the cache's own, so copies of a stack started at
/// once convert it once.
struct ApptainerCache {
    let images: ImageStore
    let environment: [String: String]

    private struct Entry: Codable {
        var reference: String
        var imageID: String
        var stamp: String
    }

    private var directory: URL { images.state.root.appendingPathComponent("oci-cache") }

    /// The image for `reference`, converted now if the cache has no current one.
    func image(for reference: String) throws(FakeError) -> ImageRecord {
        let stamp = sourceStamp(reference)
        let file = directory.appendingPathComponent(Self.key(reference) + ".json")
        if let cached = current(file, stamp: stamp) { return cached }
        return try withLock { () throws(FakeError) -> ImageRecord in
            if let cached = current(file, stamp: stamp) { return cached }
            let image = try images.pull(reference, environment: environment, tagged: false)
            try StateStore.write(Entry(reference: reference, imageID: image.id, stamp: stamp), to: file)
            return image
        }
    }

    private func current(_ file: URL, stamp: String) -> ImageRecord? {
        guard let entry = StateStore.read(Entry.self, from: file), entry.stamp == stamp else { return nil }
        return StateStore.read(
            ImageRecord.self, from: images.directory(entry.imageID).appendingPathComponent("image.json"))
    }

    /// Sizes and modification times of the registry files the reference is made from.
    private func sourceStamp(_ reference: String) -> String {
        let ref = ImageReference(reference)
        let base = images.state.registryDirectory(environment).appendingPathComponent(ref.repository)
        var parts: [String] = []
        for path in [base.appendingPathComponent("\(ref.tag).tar").path, base.appendingPathComponent(ref.tag).path] {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            parts.append("\(path):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
            if (info.st_mode & S_IFMT) == S_IFDIR,
                let names = try? FileManager.default.subpathsOfDirectory(atPath: path)
            {
                for name in names.sorted() where stat(path + "/" + name, &info) == 0 {
                    parts.append("\(name):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
                }
            }
        }
        return parts.joined(separator: ";")
    }

    /// A file name for the reference: its characters that are safe in one, and a hash to keep names apart.
    private static func key(_ reference: String) -> String {
        let safe = String(reference.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(80))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in reference.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return safe + "-" + String(hash, radix: 16)
    }

    private func withLock<T>(_ body: () throws(FakeError) -> T) throws(FakeError) -> T {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .file(
                path: directory.path, reason: "cannot create the cache directory: \(error.localizedDescription)")
        }
        let path = directory.appendingPathComponent("lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .file(path: path, reason: String(cString: strerror(errno))) }
        }
        return try body()
    }
}
