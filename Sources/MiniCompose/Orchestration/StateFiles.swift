import Foundation

/// Writes files under `working_dir/.mini-compose/` atomically: a temporary file, then a rename over the old one, so a
/// reader (or a mini-compose started after this one was killed) sees the old file or the new one, never a part.
///
/// There is no fsync: these files describe running containers, hosts files and environments for them, which a
/// crash of the machine ends as well, and an fsync per state change would hold a thread of the launcher's small
/// pool for as long as the disk takes, many times a second while a stack starts.
public enum StateFiles {
    public static func writeAtomically(_ text: String, to path: String, mode: mode_t = 0o644) throws(LaunchError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .fileSystem(path: temporary, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw .fileSystem(path: temporary, reason: reason)
            }
            offset += written
        }
        fchmod(fd, mode)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .fileSystem(path: path, reason: reason)
        }
    }
}
