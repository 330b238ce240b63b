import Glibc

/// A private mount namespace for this process, so bind mounts made in it are seen by it and its children only.
///
/// Needs root (or a user namespace) and a single-threaded process: call it before anything starts threads.
public enum MountNamespace {
    /// Moves this process into a new mount namespace whose mounts no longer propagate to the host.
    public static func enterPrivate() throws(SystemError) {
        try retryingEINTR("unshare", subject: "CLONE_NEWNS") { LinuxCalls.unshare(LinuxCalls.cloneNewNS) }
        try retryingEINTR("mount", subject: "/ rprivate") {
            mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil)
        }
    }

    /// Binds `source` over `target` (both must exist and be of the same kind), read-only when asked.
    public static func bind(source: String, target: String, readOnly: Bool) throws(SystemError) {
        try retryingEINTR("mount", subject: "\(source) on \(target)") {
            mount(source, target, nil, UInt(MS_BIND | MS_REC), nil)
        }
        if readOnly {
            try retryingEINTR("mount", subject: "\(target) read-only") {
                mount("none", target, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC), nil)
            }
        }
    }

    /// Moves this process into the mount namespace of `pid`, to see the mounts a running container sees.
    public static func join(pid: pid_t) throws(SystemError) {
        let path = "/proc/\(pid)/ns/mnt"
        let fd = try retryingEINTR("open", subject: path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        try retryingEINTR("setns", subject: path) { LinuxCalls.setns(fd, LinuxCalls.cloneNewNS) }
    }

    /// True if `pid` lives in another mount namespace than this process.
    public static func isSeparate(pid: pid_t) -> Bool {
        var mine = stat()
        var theirs = stat()
        guard stat("/proc/self/ns/mnt", &mine) == 0, stat("/proc/\(pid)/ns/mnt", &theirs) == 0 else { return false }
        return mine.st_ino != theirs.st_ino
    }
}
