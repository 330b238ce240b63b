import Foundation
import SystemKit

// FakeRuntime: answers as docker, podman, apptainer or singularity, chosen by the name it is called with.
// `__monitor` and `__exec` are its own supervisor and program-starter modes, never called by users.

let arguments = CommandLine.arguments
if arguments.count >= 3 && arguments[1] == "__monitor" {
    exit(ContainerMonitor.main(directory: arguments[2]))
}
if arguments.count >= 3 && arguments[1] == "__exec" {
    exit(ContainerExec.main(directory: arguments[2]))
}
guard let (face, rest) = Face.detect(arguments: arguments) else {
    Output.errLine(
        "usage: FakeRuntime docker|podman|apptainer|singularity ARGS..., "
            + "or call it through a symlink of one of those names"
    )
    exit(2)
}
let environment = ProcessInfo.processInfo.environment
if let subcommand = rest.first(where: { !$0.hasPrefix("-") }),
    let seconds = SlowCommandFault.delay(for: subcommand, environment: environment)
{
    usleep(UInt32(seconds * 1_000_000))
}
let invocation = Invocation(face: face, environment: environment)
do {
    let code =
        face.isDockerLike
        ? try DockerCLI(invocation: invocation).run(rest) : try ApptainerCLI(invocation: invocation).run(rest)
    exit(code)
} catch {
    let (text, code) = error.rendered(for: face)
    Output.errLine(text)
    exit(code)
}
