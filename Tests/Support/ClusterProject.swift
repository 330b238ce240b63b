import Foundation

/// The `your-app/` project of the user guide: a database and an API built from one context holding the fixture
/// TCP service and client (the client is the health check), the API healthy only once it reaches the database
/// by its service name. Ports come from `.env`, chosen free when the project is made.
public struct ClusterProject: Sendable {
    public let directory: String
    public let dbPort: Int
    public let apiPort: Int
    public static let services = ["api", "db"]
    /// The files `up --save-images` writes for the two images.
    public static let imageArchives = ["example_db_1.0.tar", "your-app-api.tar"]

    public static let composeFile = """
        services:
          db:
            build: ./service
            image: example/db:1.0
            environment:
              SERVICE_PORT: ${DB_PORT}
              SERVICE_IDENTITY: db
            healthcheck:
              test: ["CMD", "/usr/local/bin/tcp-client", "127.0.0.1", "${DB_PORT}", "1"]
              interval: 1s
              timeout: 5s
              retries: 10
          api:
            build: ./service
            environment:
              SERVICE_PORT: ${API_PORT}
              SERVICE_IDENTITY: api
            depends_on:
              db:
                condition: service_healthy
            healthcheck:
              test: ["CMD", "/usr/local/bin/tcp-client", "db", "${DB_PORT}", "1"]
              interval: 1s
              timeout: 5s
              retries: 10

        """

    public static let dockerfile = """
        FROM scratch
        COPY tcp-service /usr/local/bin/tcp-service
        COPY tcp-client /usr/local/bin/tcp-client
        ENTRYPOINT ["/usr/local/bin/tcp-service"]

        """

    /// Writes the project into `parent/your-app`. Ports are chosen so that PortShift windows of 100 and 200
    /// above them are free too, for copies of the stack run in PortShift groups.
    public init(in parent: String) throws {
        directory = parent + "/your-app"
        let base = PortShiftPorts.freeBase(offsets: [0, 1, 100, 101, 200, 201])
        dbPort = base
        apiPort = base + 1
        let service = directory + "/service"
        try FileManager.default.createDirectory(atPath: service, withIntermediateDirectories: true)
        try Self.composeFile.write(toFile: directory + "/docker-compose.yml", atomically: true, encoding: .utf8)
        try "DB_PORT=\(dbPort)\nAPI_PORT=\(apiPort)\n".write(
            toFile: directory + "/.env", atomically: true, encoding: .utf8)
        try Self.dockerfile.write(toFile: service + "/Dockerfile", atomically: true, encoding: .utf8)
        for program in ["tcp-service", "tcp-client"] {
            let built = BuildProducts.directory.appendingPathComponent("fixture-programs/" + program).path
            guard FileManager.default.isExecutableFile(atPath: built) else {
                throw SandboxError.missingFixtureProgram(built)
            }
            try FileManager.default.copyItem(atPath: built, toPath: service + "/" + program)
        }
    }

    /// A directory holding only the named runtime symlinks, for a PATH on which the other runtimes are absent.
    public static func runtimeDirectory(_ names: [String], in parent: String) throws -> String {
        let directory = parent + "/runtimes-" + names.joined(separator: "-")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.createSymbolicLink(
                atPath: directory + "/" + name, withDestinationPath: BuildProducts.path("FakeRuntime"))
        }
        return directory
    }
}
