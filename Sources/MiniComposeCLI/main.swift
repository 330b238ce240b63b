import Foundation
import MiniCompose

/// One command `mini-compose` knows, with the one-line summary `--help` lists.
struct CommandEntry: Sendable {
    let name: String
    let summary: String
    let help: String
    let run: @Sendable (inout Arguments, GlobalOptions) throws(UsageError) -> Int32
}

let commands: [CommandEntry] = [
    CommandEntry(name: "config", summary: ConfigCommand.summary, help: ConfigCommand.help, run: ConfigCommand.run),
    CommandEntry(name: "graph", summary: GraphCommand.summary, help: GraphCommand.help, run: GraphCommand.run),
    CommandEntry(name: "up", summary: UpCommand.summary, help: UpCommand.help, run: UpCommand.run),
    CommandEntry(name: "down", summary: DownCommand.summary, help: DownCommand.help, run: DownCommand.run),
    CommandEntry(name: "ps", summary: PsCommand.summary, help: PsCommand.help, run: PsCommand.run),
    CommandEntry(name: "logs", summary: LogsCommand.summary, help: LogsCommand.help, run: LogsCommand.run),
    CommandEntry(name: "serve", summary: ServeCommand.summary, help: ServeCommand.help, run: ServeCommand.run),
    CommandEntry(name: "pack", summary: PackCommand.summary, help: PackCommand.help, run: PackCommand.run),
    CommandEntry(name: "unpack", summary: UnpackCommand.summary, help: UnpackCommand.help, run: UnpackCommand.run),
]

@MainActor func mainHelp() -> String {
    var text = """
        mini-compose \(miniComposeVersion): run a docker-compose.yml stack with Apptainer, Singularity,
        Docker or Podman on a machine you do not own.

        Usage: mini-compose [OPTIONS] COMMAND [ARGS...]

        Commands:

        """
    for command in commands {
        text += "  " + command.name.padding(toLength: 10, withPad: " ", startingAt: 0) + command.summary + "\n"
    }
    text += "\n" + GlobalOptions.help + "\n\n  -h, --help     show help (mini-compose COMMAND --help for a command)\n"
    text += "      --version  print the version\n"
    return text
}

/// Global options that take a value, so the word after them is not the command.
let valueOptions: Set<String> = [
    "-f", "--file", "--env-file", "-p", "--project-name", "--project-directory", "--profile", "--log-level",
]

/// Options of commands that take a value, so that `--runtime docker up` finds `up`.
let commandValueOptions: Set<String> = [
    "--runtime", "--runtime-path", "--working-dir", "--host-ip", "--id", "--env", "--format", "-t", "--timeout",
    "--tail", "-n", "--listen", "--token-file",
]

/// The first word that is neither an option nor an option's value.
func commandName(_ words: [String]) -> String? {
    var index = 0
    while index < words.count {
        let word = words[index]
        if commandValueOptions.contains(word) || valueOptions.contains(word) {
            index += 2
        } else if word.hasPrefix("-") {
            index += 1
        } else {
            return word
        }
    }
    return nil
}

/// `logs -f` means follow, as in Compose: after the `logs` command, `-f` is rewritten to `--follow`
/// (a file is then given with `--file`).
func normalizeLogsFollow(_ words: [String]) -> [String] {
    var index = 0
    while index < words.count {
        let word = words[index]
        if valueOptions.contains(word) {
            index += 2
            continue
        }
        if !word.hasPrefix("-") {
            guard word == "logs" else { return words }
            return Array(words[...index]) + words[(index + 1)...].map { $0 == "-f" ? "--follow" : $0 }
        }
        index += 1
    }
    return words
}

@MainActor func runMain() -> Int32 {
    var arguments = Arguments(normalizeLogsFollow(Array(CommandLine.arguments.dropFirst())))
    var global = GlobalOptions()
    do throws(UsageError) {
        try global.take(from: &arguments)
        let wantsHelp = arguments.flag("-h", "--help")
        if arguments.flag("--version") {
            Terminal.out("mini-compose \(miniComposeVersion)\n")
            return 0
        }
        guard let name = commandName(arguments.remaining) else {
            if wantsHelp {
                Terminal.out(mainHelp())
                return 0
            }
            throw UsageError(message: "no command given")
        }
        // `mini-compose HOST_IP`, as the original tool was run: the server.
        if HostsFile.isIPAddress(name) {
            return try ServeCommand.run(&arguments, global: global)
        }
        if let index = arguments.remaining.firstIndex(of: name) {
            var words = arguments.remaining
            words.remove(at: index)
            arguments = Arguments(words)
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            let suggestion = commands.map(\.name).min { distance($0, name) < distance($1, name) }
            throw UsageError(
                message: "unknown command \"\(name)\"" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? ""))
        }
        if wantsHelp {
            Terminal.out(command.help + "\n\n" + GlobalOptions.help + "\n")
            return 0
        }
        return try command.run(&arguments, global)
    } catch {
        Terminal.err("mini-compose: error: \(error.message)\nRun 'mini-compose --help' for usage.\n")
        return 2
    }
}

/// Rough edit distance for suggesting a command name.
func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var previous = row[0]
        row[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            let current = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = current
        }
    }
    return row[b.count]
}

let status = runMain()
// `up -d` and a server stopped with `?keep=1` return while health probes and monitors still run on other
// threads; exit() would tear down process-wide state under them (a crash seen once), so end the process at once.
// Every output here is written unbuffered; stdio buffers are flushed all the same.
fflush(nil)
_exit(status)
