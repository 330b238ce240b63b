import Glibc

/// Starts processes with `posix_spawn`: no shell, a clean signal state, and only the descriptors asked for.
///
/// Every child gets an empty signal mask and the default disposition for every signal, whatever thread or
/// task spawns it, so a child started from async code still dies on SIGTERM.
public enum Subprocess {
    public static func spawn(_ command: Command, options: SpawnOptions = SpawnOptions()) throws(ProcessError)
        -> ChildProcess
    {
        let path = try ExecutableLookup.resolve(command.executable, searchPath: command.searchPath)
        if let directory = command.workingDirectory {
            var info = stat()
            guard stat(directory, &info) == 0 else {
                throw .system(SystemError(call: "chdir", subject: directory, errno: errno))
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw .system(SystemError(call: "chdir", subject: directory, errno: ENOTDIR))
            }
        }

        var opened: [Int32] = []  // Descriptors this function must close whatever happens.
        defer { for fd in opened { close(fd) } }
        var parentEnds: [Int32?] = [nil, nil, nil]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        let streams = [options.stdin, options.stdout, options.stderr]
        for (index, stream) in streams.enumerated() {
            let target = Int32(index)
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
            case .file(let filePath, let append):
                let flags = target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
                posix_spawn_file_actions_addopen(&actions, target, filePath, flags, 0o644)
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard LinuxCalls.pipeCloseOnExec(&ends) == 0 else {
                    let code = errno
                    for fd in parentEnds.compactMap({ $0 }) { close(fd) }
                    throw .system(SystemError(call: "pipe2", errno: code))
                }
                let (childEnd, parentEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                opened.append(childEnd)
                parentEnds[index] = parentEnd
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }

        // Copy the extra descriptors out of the way first, so placing one at 3, 4, ... cannot clobber another.
        for (index, fd) in options.extraDescriptors.enumerated() {
            let copy = fcntl(fd, F_DUPFD_CLOEXEC, 64)
            guard copy >= 0 else {
                let code = errno
                for end in parentEnds.compactMap({ $0 }) { close(end) }
                throw .system(SystemError(call: "fcntl(F_DUPFD_CLOEXEC)", subject: "\(fd)", errno: code))
            }
            opened.append(copy)
            posix_spawn_file_actions_adddup2(&actions, copy, Int32(3 + index))
        }
        if LinuxCalls.canCloseFrom {
            _ = LinuxCalls.addCloseFrom(&actions, Int32(3 + options.extraDescriptors.count))
        }
        if let directory = command.workingDirectory {
            let code = LinuxCalls.addChdir(&actions, directory)
            if code != 0 {
                for end in parentEnds.compactMap({ $0 }) { close(end) }
                throw .system(
                    SystemError(call: "posix_spawn_file_actions_addchdir_np", subject: directory, errno: code))
            }
        }

        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if options.newSession {
            flags |= LinuxCalls.spawnSetSID
        } else if options.newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv = [command.argv0 ?? command.executable] + command.arguments
        let environment = command.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStringArray(argv) { argvPointer in
            withCStringArray(environment) { envPointer in
                posix_spawn(&pid, path, &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard code == 0 else {
            for end in parentEnds.compactMap({ $0 }) { close(end) }
            throw .system(SystemError(call: "posix_spawn", subject: path, errno: code))
        }
        let grouped = options.newSession || options.newProcessGroup
        return ChildProcess(
            pid: pid, processGroup: grouped ? pid : nil, command: command, stdin: parentEnds[0],
            stdout: parentEnds[1], stderr: parentEnds[2])
    }

    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
