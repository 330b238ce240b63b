import Glibc
import PortShift
import SystemKit

let command: OffsetServerCommand
do {
    command = try OffsetServerArguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    ServerCommands.fail("\(error)")
    exit(2)
}

switch command {
case .help:
    print(OffsetServerArguments.usage)
case .check(let configuration):
    exit(ServerCommands.check(configuration))
case .run(let configuration):
    exit(ServerCommands.run(configuration))
}
