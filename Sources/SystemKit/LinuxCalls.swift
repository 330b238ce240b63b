import Glibc

/// Linux and GNU calls that the Swift Glibc module does not import, resolved once from libc.
enum LinuxCalls {
    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>)
        -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    private typealias IntToInt = @convention(c) (Int32) -> Int32
    private typealias Setns = @convention(c) (Int32, Int32) -> Int32
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// `POSIX_SPAWN_SETSID` from glibc's spawn.h (glibc 2.26 and later).
    static let spawnSetSID: Int32 = 0x80
    static let cloneNewNS: Int32 = 0x0002_0000

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: type)
    }

    private static let addChdirFn = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    private static let addCloseFromFn = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)
    private static let pidfdOpenFn = symbol("pidfd_open", as: PidfdOpen.self)
    private static let unshareFn = symbol("unshare", as: IntToInt.self)
    private static let setnsFn = symbol("setns", as: Setns.self)
    private static let pipe2Fn = symbol("pipe2", as: Pipe2.self)

    /// A pipe whose two ends are close-on-exec from the start, so no concurrent spawn can leak them.
    static func pipeCloseOnExec(_ ends: UnsafeMutablePointer<Int32>) -> Int32 {
        if let pipe2Fn { return pipe2Fn(ends, O_CLOEXEC) }
        guard pipe(ends) == 0 else { return -1 }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    /// Returns an errno, as the posix_spawn family does; ENOSYS when libc lacks the call.
    static func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        guard let addChdirFn else { return ENOSYS }
        return addChdirFn(actions, path)
    }

    static var canCloseFrom: Bool { addCloseFromFn != nil }

    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        guard let addCloseFromFn else { return ENOSYS }
        return addCloseFromFn(actions, lowest)
    }

    /// A pidfd for `pid`, or -1 with errno set (ENOSYS when unavailable).
    static func pidfdOpen(_ pid: pid_t) -> Int32 {
        guard let pidfdOpenFn else {
            errno = ENOSYS
            return -1
        }
        return pidfdOpenFn(pid, 0)
    }

    static func unshare(_ flags: Int32) -> Int32 {
        guard let unshareFn else {
            errno = ENOSYS
            return -1
        }
        return unshareFn(flags)
    }

    static func setns(_ fd: Int32, _ type: Int32) -> Int32 {
        guard let setnsFn else {
            errno = ENOSYS
            return -1
        }
        return setnsFn(fd, type)
    }
}
