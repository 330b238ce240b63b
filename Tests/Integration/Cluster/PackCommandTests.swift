import Foundation
import SystemKit
import TestSupport
import Testing

extension ClusterTests {
    /// `mini-compose pack` and `unpack` as a user runs them, without containers: what goes into the archive,
    /// what is warned about, and what unpack refuses.
    @Suite struct PackCommandTests {
        private func miniCompose(_ arguments: [String], in directory: String) throws -> BinaryResult {
            try BinaryRunner.run("mini-compose", arguments, in: directory, environment: ["PATH": "/usr/bin:/bin"])
        }

        private func members(_ archive: String) throws -> [String] {
            let result = try ProcessRunner().runBlocking(
                Command("tar", ["-tf", archive], environment: ["PATH": "/usr/bin:/bin"]),
                options: RunOptions(timeout: .seconds(30)))
            #expect(result.status == .exited(0))
            return result.stdoutText.split(separator: "\n").map(String.init)
        }

        /// `your-app/` with one saved image, launcher state, and an env file outside the project.
        private func project(in work: ComposeFixtureDirectory) throws -> ClusterProject {
            let project = try ClusterProject(in: work.path)
            try work.write("your-app/working_dir/example_db_1.0.tar", "image bytes")
            try work.write("your-app/working_dir/.mini-compose/default/state.json", "{}")
            try work.write("shared.env", "SHARED=1\n")
            let compose = ClusterProject.composeFile.replacingOccurrences(
                of: "      SERVICE_IDENTITY: api\n", with: "      SERVICE_IDENTITY: api\n    env_file: ../shared.env\n")
            try work.write("your-app/docker-compose.yml", compose)
            return project
        }

        @Test func packLeavesOutStateAndWarnsAboutUnsavedImagesAndOutsideFiles() throws {
            let work = ComposeFixtureDirectory()
            let project = try project(in: work)
            let result = try miniCompose(["pack"], in: project.directory)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("service db: image example/db:1.0 saved as example_db_1.0.tar"))
            #expect(result.stderr.contains("service api: image your-app-api is not saved"))
            #expect(result.stderr.contains("\(work.path)/shared.env is outside \(project.directory)"))
            let names = try members(project.directory + "/your-app.tar.gz")
            #expect(names.contains("your-app/docker-compose.yml"))
            #expect(names.contains("your-app/.env"))
            #expect(names.contains("your-app/service/Dockerfile"))
            #expect(names.contains("your-app/working_dir/example_db_1.0.tar"))
            #expect(!names.contains { $0.contains(".mini-compose") || $0.contains(".partial") })
            #expect(!names.contains { $0.hasSuffix("your-app.tar.gz") })
            #expect(names.allSatisfy { $0.hasPrefix("your-app/") })
        }

        @Test func packWithNoImagesAndExcludeLeavesThoseOut() throws {
            let work = ComposeFixtureDirectory()
            let project = try project(in: work)
            let result = try miniCompose(
                ["pack", "--no-images", "--exclude", "tcp-*", "-o", work.path + "/out.tar"], in: project.directory)
            #expect(result.exitCode == 0, "\(result.stderr)")
            let names = try members(work.path + "/out.tar")
            #expect(names.contains("your-app/service/Dockerfile"))
            #expect(!names.contains { $0.hasSuffix(".tar") || $0.contains("tcp-service") || $0.contains("tcp-client") })
        }

        @Test func packWithAnUnknownSuffixIsAUsageError() throws {
            let work = ComposeFixtureDirectory()
            let project = try project(in: work)
            let result = try miniCompose(["pack", "-o", "stack.zip"], in: project.directory)
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("-o \"stack.zip\" must end in .tar"))
        }

        @Test func unpackRefusesAnExistingDirectoryUnlessForced() throws {
            let work = ComposeFixtureDirectory()
            let project = try project(in: work)
            #expect(try miniCompose(["pack", "-o", work.path + "/app.tar.gz"], in: project.directory).exitCode == 0)
            try work.write("your-app/docker-compose.yml", "edited on the cluster\n")
            let refused = try miniCompose(["unpack", "app.tar.gz"], in: work.path)
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("\(project.directory) already exists; use --force"))
            #expect(
                try String(contentsOfFile: project.directory + "/docker-compose.yml", encoding: .utf8).hasPrefix(
                    "edited"))
            let forced = try miniCompose(["unpack", "--force", "app.tar.gz"], in: work.path)
            #expect(forced.exitCode == 0, "\(forced.stderr)")
            #expect(
                try String(contentsOfFile: project.directory + "/docker-compose.yml", encoding: .utf8).hasPrefix(
                    "services:"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: work.path)
            #expect(!leftovers.contains { $0.hasPrefix(".mini-compose-unpack") })
        }

        @Test func unpackIntoAnotherDirectoryListsTheImagesItBrought() throws {
            let work = ComposeFixtureDirectory()
            let project = try project(in: work)
            #expect(try miniCompose(["pack", "-o", work.path + "/app.tar.zst"], in: project.directory).exitCode == 0)
            try FileManager.default.createDirectory(atPath: work.path + "/cluster", withIntermediateDirectories: true)
            let result = try miniCompose(["unpack", "app.tar.zst", "-C", "cluster"], in: work.path)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("unpacked app.tar.zst into \(work.path)/cluster/your-app"))
            #expect(result.stdout.contains("image working_dir/example_db_1.0.tar"))
            #expect(FileManager.default.fileExists(atPath: work.path + "/cluster/your-app/service/tcp-service"))
        }

        @Test func unpackRefusesAnArchiveWithoutOneTopLevelDirectory() throws {
            let work = ComposeFixtureDirectory()
            try work.write("loose/a.txt", "a")
            try work.write("loose/b.txt", "b")
            let made = try ProcessRunner().runBlocking(
                Command(
                    "tar", ["-cf", work.path + "/loose.tar", "-C", work.path + "/loose", "a.txt", "b.txt"],
                    environment: ["PATH": "/usr/bin:/bin"]))
            #expect(made.status == .exited(0))
            try FileManager.default.createDirectory(atPath: work.path + "/dest", withIntermediateDirectories: true)
            let result = try miniCompose(["unpack", "loose.tar", "-C", "dest"], in: work.path)
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("must hold one top-level directory"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: work.path + "/dest").isEmpty)
        }
    }
}
