import Foundation
import Glibc
import SystemKit

/// FakeRuntime's SIF files: a tar holding `fake-sif.json` (the image's configuration) and `rootfs/` (its files).
/// Running one unpacks it once into `sif-cache/`, keyed by the file's identity and modification time.
struct SifImage {
    let state: StateStore

    func write(_ image: ImageRecord, rootfs: URL, to path: String) throws(FakeError) {
        let staging = state.root.appendingPathComponent("tmp").appendingPathComponent("sif-\(StateStore.randomHex(12))")
        defer { try? FileManager.default.removeItem(at: staging) }
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw .file(path: staging.path, reason: error.localizedDescription)
        }
        try StateStore.write(image, to: staging.appendingPathComponent("fake-sif.json"))
        let temporary = path + ".tmp-\(getpid())"
        try tar(
            [
                "-cf", temporary, "-C", staging.path, "fake-sif.json", "-C", rootfs.deletingLastPathComponent().path,
                rootfs.lastPathComponent,
            ], member: "rootfs", rename: rootfs.lastPathComponent)
        guard rename(temporary, path) == 0 else { throw .file(path: path, reason: String(cString: strerror(errno))) }
    }

    /// The image's configuration and the directory of its files.
    func open(_ path: String) throws(FakeError) -> (ImageRecord, String) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .noSuchImage(path) }
        let key = "\(info.st_dev)-\(info.st_ino)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)-\(info.st_size)"
        let cached = state.sifCacheDirectory.appendingPathComponent(key)
        if let record = StateStore.read(ImageRecord.self, from: cached.appendingPathComponent("fake-sif.json")) {
            return (record, cached.appendingPathComponent("rootfs").path)
        }
        let staging = state.sifCacheDirectory.appendingPathComponent(".unpack-\(StateStore.randomHex(12))")
        try? FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try tar(["-xf", path, "-C", staging.path])
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw .other("could not open image \(path): image format not recognized")
        }
        guard let record = StateStore.read(ImageRecord.self, from: staging.appendingPathComponent("fake-sif.json"))
        else {
            try? FileManager.default.removeItem(at: staging)
            throw .other("could not open image \(path): image format not recognized")
        }
        try? FileManager.default.createDirectory(
            at: staging.appendingPathComponent("rootfs"), withIntermediateDirectories: true)
        if Glibc.rename(staging.path, cached.path) != 0 { try? FileManager.default.removeItem(at: staging) }
        return (record, cached.appendingPathComponent("rootfs").path)
    }

    private func tar(_ arguments: [String], member: String? = nil, rename: String? = nil) throws(FakeError) {
        var arguments = arguments
        if let member, let rename, member != rename {
            arguments.insert(contentsOf: ["--transform", "s,^\(rename),\(member),"], at: 0)
        }
        let result: RunResult
        do {
            result = try ProcessRunner().runBlocking(
                Command("tar", arguments, environment: ["PATH": "/usr/bin:/bin"]),
                options: RunOptions(timeout: .seconds(120)))
        } catch {
            throw .other("tar: \(error)")
        }
        guard result.status.isSuccess else { throw .other("tar: \(result.stderrText)") }
    }
}
