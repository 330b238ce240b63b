import Foundation
import Glibc

/// Where FakeRuntime keeps images, containers and instances: `FAKE_RUNTIME_ROOT`, else a per-user temp directory.
///
/// Records are JSON files replaced atomically (write then rename), so readers never need the lock; anything that
/// reads, decides and writes holds `root/lock` (an flock), so concurrent invocations cannot both take a name.
struct StateStore {
    let root: URL

    static func fromEnvironment(_ environment: [String: String]) -> StateStore {
        if let path = environment["FAKE_RUNTIME_ROOT"], !path.isEmpty {
            return StateStore(root: URL(fileURLWithPath: path))
        }
        let temp = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return StateStore(root: URL(fileURLWithPath: temp).appendingPathComponent("fake-runtime-\(getuid())"))
    }

    var imagesDirectory: URL { root.appendingPathComponent("images") }
    var containersDirectory: URL { root.appendingPathComponent("containers") }
    var instancesDirectory: URL { root.appendingPathComponent("instances") }
    var sifCacheDirectory: URL { root.appendingPathComponent("sif-cache") }
    var volumesDirectory: URL { root.appendingPathComponent("volumes") }

    /// The fixture registry that `pull` and `docker://` read: `FAKE_RUNTIME_REGISTRY`, else `root/registry`.
    func registryDirectory(_ environment: [String: String]) -> URL {
        if let path = environment["FAKE_RUNTIME_REGISTRY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return root.appendingPathComponent("registry")
    }

    func prepare() throws(FakeError) {
        for directory in [root, imagesDirectory, containersDirectory, instancesDirectory, sifCacheDirectory] {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw .file(
                    path: directory.path, reason: "cannot create state directory: \(error.localizedDescription)")
            }
        }
    }

    /// Runs `body` holding the store's exclusive lock.
    func locked<T>(_ body: () throws(FakeError) -> T) throws(FakeError) -> T {
        try prepare()
        let path = root.appendingPathComponent("lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .file(path: path, reason: String(cString: strerror(errno))) }
        }
        return try body()
    }

    static func write<T: Encodable>(_ value: T, to url: URL) throws(FakeError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(value)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(
                ".\(url.lastPathComponent).\(getpid()).tmp")
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw FakeError.file(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as FakeError {
            throw error
        } catch {
            throw .file(path: url.path, reason: error.localizedDescription)
        }
    }

    static func read<T: Decodable>(_ type: T.Type, from url: URL) -> T? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &generator)! })
    }
}
