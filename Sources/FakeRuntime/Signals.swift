import Glibc

/// Signal names as the CLIs accept them: `TERM`, `SIGTERM`, `15`.
enum Signals {
    static func parse(_ text: String) throws(FakeError) -> Int32 {
        if let number = Int32(text), number > 0, number < 65 { return number }
        let name = text.uppercased().hasPrefix("SIG") ? String(text.uppercased().dropFirst(3)) : text.uppercased()
        let table: [String: Int32] = [
            "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "USR1": SIGUSR1, "USR2": SIGUSR2,
            "TERM": SIGTERM, "ALRM": SIGALRM, "CONT": SIGCONT, "STOP": SIGSTOP,
        ]
        guard let signal = table[name] else { throw .invalidArgument("invalid signal: \(text)", command: "kill") }
        return signal
    }
}
