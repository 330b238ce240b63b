import SystemKit

/// One container runtime's command line, behind the operations the launcher needs. Implementations turn
/// each operation into argument arrays and run them through a `CommandRunning`; they never use a shell.
public protocol ContainerRuntime: Sendable {
    var kind: RuntimeKind { get }

    /// Makes the service's image available (building or converting it when needed) and returns the image
    /// reference to start containers from.
    func prepareImage(for service: Service, project: ComposeProject, context: LaunchContext) async throws(LaunchError)
        -> String

    /// Starts the container detached. The name must not be in use.
    func start(_ spec: ContainerSpec, context: LaunchContext) async throws(LaunchError)

    /// Runs `argv` inside the running container with `environment`, for health checks.
    func exec(
        container: String, argv: [String], environment: [(String, String)], timeout: Duration,
        context: LaunchContext
    ) async throws(LaunchError) -> RunResult

    /// The state of each named container, in one runtime call where the runtime allows it.
    func status(of containers: [String], context: LaunchContext) async throws(LaunchError) -> [String: ContainerStatus]

    /// Stops the container (SIGTERM, then SIGKILL after `grace`) and removes it. A missing one is not an error.
    func stop(container: String, grace: Duration, context: LaunchContext) async throws(LaunchError)

    /// The last `tail` lines of the container's output (all when nil).
    func logs(container: String, tail: Int?, context: LaunchContext) async throws(LaunchError) -> String

    /// Writes the image to a `docker-archive` tar (Docker and Podman only).
    func saveImage(_ image: String, to path: String, context: LaunchContext) async throws(LaunchError)
}
