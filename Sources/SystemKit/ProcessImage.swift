import Glibc

/// Operations on this very process: replacing its program, and its signal dispositions.
public enum ProcessImage {
    /// Replaces this process with `command` (signals reset to default and unblocked first); returns only on failure.
    public static func replace(with command: Command) -> ProcessError {
        let path: String
        do {
            path = try ExecutableLookup.resolve(command.executable, searchPath: command.searchPath)
        } catch {
            return error
        }
        if let directory = command.workingDirectory, chdir(directory) != 0 {
            return .system(SystemError(call: "chdir", subject: directory, errno: errno))
        }
        resetSignals()
        let argv = [command.argv0 ?? command.executable] + command.arguments
        let environment = command.environment.map { "\($0.key)=\($0.value)" }
        var argvPointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var envPointers: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        execve(path, &argvPointers, &envPointers)
        let code = errno
        for pointer in argvPointers + envPointers { free(pointer) }
        return .system(SystemError(call: "execve", subject: path, errno: code))
    }

    /// Every signal back to its default disposition and unblocked, as a freshly spawned child has them.
    public static func resetSignals() {
        for signal in 1..<Int32(32) where signal != SIGKILL && signal != SIGSTOP {
            Glibc.signal(signal, SIG_DFL)
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
    }

    /// Ignores the given signals in this process (children spawned by `Subprocess` get defaults back).
    public static func ignore(_ signals: [Int32]) {
        for signal in signals { Glibc.signal(signal, SIG_IGN) }
    }

    /// Sends `signal` to a process (or, with a negative pid, a process group). False if it no longer exists.
    @discardableResult
    public static func send(_ signal: Int32, to pid: pid_t) throws(SystemError) -> Bool {
        if kill(pid, signal) == 0 { return true }
        if errno == ESRCH { return false }
        throw SystemError(call: "kill", subject: "\(pid), \(ExitStatus.signalName(signal))", errno: errno)
    }
}
