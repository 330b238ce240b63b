import Foundation
import SystemKit
import TestSupport
import Testing

extension ClusterTests {
    /// The user guide's three stages, its command blocks run as written: Docker on one machine (a FakeRuntime
    /// with only its docker face), the archive copied, Apptainer on another (a second FakeRuntime, only its
    /// apptainer face, no images of its own).
    @Suite struct ThreeStageWorkflowTests {
        /// Runs guide blocks with `set -e` in `directory`, with only `runtimes`, the built tools and the system on
        /// PATH, against `machine`'s FakeRuntime state.
        private func runBlocks(
            _ names: [String], in directory: String, machine: FakeRuntimeSandbox, runtimes: String
        ) throws -> RunResult {
            let script = try "set -e\n" + names.map { try UserGuide.block($0) }.joined()
            return try ClusterShell.run(
                script, in: directory,
                variables: [
                    "PATH": runtimes + ":" + BuildProducts.directory.path + ":/usr/bin:/bin",
                    "FAKE_RUNTIME_ROOT": machine.stateDirectory.path,
                    "FAKE_RUNTIME_REGISTRY": machine.registryDirectory.path,
                ], login: false, timeout: .seconds(180))
        }

        /// The STATE column of `mini-compose ps` rows, by service.
        private func states(_ psOutput: String) -> [String: String] {
            var result: [String: String] = [:]
            for line in psOutput.split(separator: "\n") {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if columns.count >= 4, columns[0] == "default" { result[columns[1]] = columns[3] }
            }
            return result
        }

        @Test func stackSavedWithDockerPackedAndUnpackedRunsHealthyWithApptainer() async throws {
            try await FakeRuntimeSandbox.with { privateMachine in
                try await FakeRuntimeSandbox.with { cluster in
                    let project = try ClusterProject(in: privateMachine.workDirectory.path)
                    let docker = try ClusterProject.runtimeDirectory(["docker"], in: privateMachine.directory.path)
                    let stage1 = try runBlocks(
                        ["stage1", "pack"], in: project.directory, machine: privateMachine, runtimes: docker)
                    #expect(stage1.status == .exited(0), "\(stage1.stdoutText)\n\(stage1.stderrText)")
                    #expect(states(stage1.stdoutText) == ["db": "HEALTHY", "api": "HEALTHY"], "\(stage1.stdoutText)")
                    for archive in ClusterProject.imageArchives {
                        #expect(stage1.stdoutText.contains(archive + "\n"), "ls working_dir lists \(archive)")
                    }
                    let archive = project.directory + "/your-app.tar.gz"
                    #expect(FileManager.default.fileExists(atPath: archive))

                    // Stage 2: the transfer.
                    let clusterHome = cluster.workDirectory.path
                    try FileManager.default.copyItem(atPath: archive, toPath: clusterHome + "/your-app.tar.gz")

                    let apptainer = try ClusterProject.runtimeDirectory(["apptainer"], in: cluster.directory.path)
                    let stage3 = try runBlocks(["stage3"], in: clusterHome, machine: cluster, runtimes: apptainer)
                    #expect(stage3.status == .exited(0), "\(stage3.stdoutText)\n\(stage3.stderrText)")
                    #expect(states(stage3.stdoutText) == ["db": "HEALTHY", "api": "HEALTHY"], "\(stage3.stdoutText)")
                    #expect(stage3.stdoutText.contains("stopped api") && stage3.stdoutText.contains("stopped db"))
                    let workingDirectory = clusterHome + "/your-app/working_dir"
                    for sif in ["example_db_1.0.sif", "your-app-api.sif"] {
                        #expect(FileManager.default.fileExists(atPath: workingDirectory + "/" + sif), "\(sif) built")
                    }
                }
            }
        }
    }
}
