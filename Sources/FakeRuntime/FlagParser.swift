/// One flag a subcommand accepts: its spellings (`-e`, `--env`) and whether it takes a value.
struct FlagSpec {
    let names: [String]
    let takesValue: Bool

    static func value(_ names: String...) -> FlagSpec { FlagSpec(names: names, takesValue: true) }
    static func bool(_ names: String...) -> FlagSpec { FlagSpec(names: names, takesValue: false) }

    /// The name values are stored under: the first long spelling (`--network` for `--network`/`--net`).
    var key: String { names.first { $0.hasPrefix("--") } ?? names[0] }
}

/// The result of reading a subcommand's flags: values by the flag's long name, then the positional arguments.
struct ParsedFlags {
    var values: [String: [String]] = [:]
    var positionals: [String] = []

    /// True if the flag was given, and not turned off again with `--flag=false`.
    func has(_ name: String) -> Bool { values[name].map { $0.last != "false" } ?? false }
    func last(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
}

/// Reads flags the way the real CLIs (Go's pflag) do: `--name value`, `--name=value`, `-n value`, `-nvalue`,
/// grouped short booleans (`-dit`), and `--` to end the flags.
enum FlagParser {
    /// With `stopAtPositional`, flags end at the first positional (as in `run IMAGE CMD --flags-of-cmd`).
    static func parse(
        _ arguments: [String], specs: [FlagSpec], command: String, stopAtPositional: Bool
    ) throws(FakeError) -> ParsedFlags {
        var byName: [String: FlagSpec] = [:]
        for spec in specs { for name in spec.names { byName[name] = spec } }
        byName["--help"] = byName["--help"] ?? FlagSpec.bool("-h", "--help")
        var result = ParsedFlags()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.positionals += arguments[index...]
                break
            }
            if !argument.hasPrefix("-") || argument == "-" {
                result.positionals.append(argument)
                if stopAtPositional {
                    result.positionals += arguments[index...]
                    break
                }
                continue
            }
            if argument.hasPrefix("--") {
                let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
                guard let spec = byName[parts[0]] else { throw .unknownFlag(flag: parts[0], command: command) }
                if spec.takesValue {
                    if parts.count == 2 {
                        result.values[spec.key, default: []].append(parts[1])
                    } else {
                        guard index < arguments.count else { throw .flagNeedsValue(flag: parts[0], command: command) }
                        result.values[spec.key, default: []].append(arguments[index])
                        index += 1
                    }
                } else {
                    result.values[spec.key, default: []].append(parts.count == 2 ? parts[1] : "true")
                }
                continue
            }
            // Short flags: "-e", "-eVALUE", "-e=VALUE", or grouped booleans such as "-dit".
            var characters = Array(argument.dropFirst())
            while let first = characters.first {
                let name = "-\(first)"
                guard let spec = byName[name] else {
                    throw .unknownFlag(flag: characters.count == argument.count - 1 ? argument : name, command: command)
                }
                characters.removeFirst()
                if spec.takesValue {
                    var inline = String(characters)
                    if inline.hasPrefix("=") { inline.removeFirst() }
                    if !characters.isEmpty {
                        result.values[spec.key, default: []].append(inline)
                    } else {
                        guard index < arguments.count else { throw .flagNeedsValue(flag: name, command: command) }
                        result.values[spec.key, default: []].append(arguments[index])
                        index += 1
                    }
                    break
                }
                result.values[spec.key, default: []].append("true")
            }
        }
        return result
    }
}
