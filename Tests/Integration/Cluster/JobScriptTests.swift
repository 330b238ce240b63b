import Foundation
import Glibc
import MiniCompose
import SystemKit
import TestSupport
import Testing

extension ClusterTests {
    /// The batch job scripts' logic, run outside a scheduler: the scheduler's variables faked, the installed
    /// Mini Compose loaded with Lmod, FakeRuntime's apptainer face as the runtime, everything on 127.0.0.1.
    @Suite struct JobScriptTests {
        enum Scheduler: String, CaseIterable, CustomTestStringConvertible, Sendable {
            case gridEngine = "job-sge.sh"
            case slurm = "job-slurm.sh"
            case pbs = "job-pbs.sh"

            var testDescription: String { rawValue }

            /// What the scheduler would have set for job 4242 submitted from `directory`.
            func variables(submittedFrom directory: String) -> [String: String] {
                switch self {
                case .gridEngine: ["JOB_ID": "4242", "SGE_O_WORKDIR": directory, "NSLOTS": "8"]
                case .slurm: ["SLURM_JOB_ID": "4242", "SLURM_SUBMIT_DIR": directory, "SLURM_CPUS_PER_TASK": "8"]
                case .pbs: ["PBS_JOBID": "4242.pbs-server", "PBS_O_WORKDIR": directory]
                }
            }
        }

        /// A project whose images are saved in working_dir, as stage 1 leaves it, and a workload that asks the
        /// database of each copy, through that copy's PortShift group, which group it serves.
        private func prepare(_ sandbox: FakeRuntimeSandbox) async throws -> ClusterProject {
            let project = try ClusterProject(in: sandbox.workDirectory.path)
            let context = project.directory + "/service"
            let images = ["example/db:1.0", "your-app-api"]
            try FileManager.default.createDirectory(
                atPath: project.directory + "/working_dir", withIntermediateDirectories: true)
            for image in images {
                let built = try await sandbox.run("docker", ["build", "-q", "-t", image, context])
                #expect(built.status == .exited(0), "\(built.stderrText)")
                let saved = try await sandbox.run(
                    "docker", ["save", "-o", ImageFiles.archive(image, in: project.directory + "/working_dir"), image])
                #expect(saved.status == .exited(0), "\(saved.stderrText)")
            }
            let workload = """
                #!/bin/bash
                # Asks each copy's database which PortShift group it runs in, dialing the port written in .env.
                set -e
                source .env
                for id in ${MC_IDS:-1 2}; do
                    ask='exec 3<>"/dev/tcp/127.0.0.1/$1" && echo "ENV APP_GRP" >&3 && read -r group <&3'
                    mc_in_instance "$id" bash -c "$ask"' && echo "$group"' _ "$DB_PORT" >"reached-$id.txt"
                done

                """
            let path = project.directory + "/workload.sh"
            try workload.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
            return project
        }

        /// The login-shell script that loads the module and runs the job script as the scheduler would.
        private func jobScript(_ scheduler: Scheduler, arguments: String) -> String {
            """
            module use "$PREFIX/share/modulefiles/lmod"
            export PATH="$RUNTIMES:$PATH"
            cp "$PREFIX/share/mini-compose/jobs/\(scheduler.rawValue)" .
            bash ./\(scheduler.rawValue) \(arguments) 2>job.log &
            echo $! >job.pid
            wait $!
            echo "job exit $?"

            """
        }

        private func variables(
            _ scheduler: Scheduler, project: ClusterProject, sandbox: FakeRuntimeSandbox, listen: Int, offsets: Int
        ) throws -> [String: String] {
            var variables = try ClusterInstall.variables()
            variables.merge(scheduler.variables(submittedFrom: project.directory)) { _, new in new }
            variables["RUNTIMES"] = try ClusterProject.runtimeDirectory(["apptainer"], in: sandbox.directory.path)
            variables["FAKE_RUNTIME_ROOT"] = sandbox.stateDirectory.path
            variables["FAKE_RUNTIME_REGISTRY"] = sandbox.registryDirectory.path
            variables["HOST_IP"] = "127.0.0.1"
            variables["MC_LISTEN"] = "127.0.0.1:\(listen)"
            variables["OFFSET_SERVER_ADDR"] = "127.0.0.1:\(offsets)"
            variables["MC_WAIT_SECONDS"] = "60"
            return variables
        }

        private func isListening(_ port: Int) -> Bool { ClusterShell.accepts(port) }

        @Test(.enabled(if: ClusterInstall.serveAvailable, "needs mini-compose serve"), arguments: Scheduler.allCases)
        func jobStartsTwoCopiesRunsTheWorkloadWhenHealthyAndStopsEverything(_ scheduler: Scheduler) async throws {
            try await FakeRuntimeSandbox.with { sandbox in
                let project = try await prepare(sandbox)
                let listen = ClusterShell.freePort()
                let offsets = ClusterShell.freePort()
                var variables = try variables(
                    scheduler, project: project, sandbox: sandbox, listen: listen, offsets: offsets)
                variables["MC_INSTANCES"] = "2"
                let arguments: String
                if scheduler == .pbs {
                    variables["MC_WORKLOAD"] = "./workload.sh"
                    arguments = ""
                } else {
                    arguments = "./workload.sh"
                }
                let result = try ClusterShell.run(
                    jobScript(scheduler, arguments: arguments), in: project.directory, variables: variables,
                    timeout: .seconds(180))
                let log = (try? String(contentsOfFile: project.directory + "/job.log", encoding: .utf8)) ?? ""
                #expect(result.stdoutText.contains("job exit 0"), "\(result.stdoutText)\n\(log)")
                for id in [1, 2] {
                    let reached = try? String(contentsOfFile: project.directory + "/reached-\(id).txt", encoding: .utf8)
                    #expect(reached == "your-app-\(id)\n", "copy \(id): \(reached ?? "nothing")\n\(log)")
                    #expect(log.contains("instance \(id) is healthy"))
                    #expect(log.contains("stopped instance \(id)"))
                }
                #expect(log.contains("mini-compose serve stopped") && log.contains("port_offset_server stopped"))
                #expect(FileManager.default.fileExists(atPath: project.directory + "/mini-compose-logs/4242/serve.log"))
                #expect(!isListening(listen) && !isListening(offsets))
                let instances = try await sandbox.run("apptainer", ["instance", "list"])
                #expect(!instances.stdoutText.contains("your-app-"), "left running: \(instances.stdoutText)")
            }
        }

        @Test(.enabled(if: ClusterInstall.serveAvailable, "needs mini-compose serve"))
        func schedulerSigtermDuringTheWorkloadStopsTheStackAndTheServers() async throws {
            try await FakeRuntimeSandbox.with { sandbox in
                let project = try await prepare(sandbox)
                let listen = ClusterShell.freePort()
                let offsets = ClusterShell.freePort()
                var variables = try variables(
                    .slurm, project: project, sandbox: sandbox, listen: listen, offsets: offsets)
                variables["MC_IDS"] = "1"
                let job = Task {
                    try ClusterShell.run(
                        jobScript(.slurm, arguments: "sleep 600"), in: project.directory, variables: variables,
                        timeout: .seconds(180))
                }
                let logPath = project.directory + "/job.log"
                let started = try await FakeRuntimeSandbox.eventually(timeout: .seconds(120)) {
                    ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("workload: sleep 600")
                }
                #expect(started, "the workload never started")
                let pidText = try String(contentsOfFile: project.directory + "/job.pid", encoding: .utf8)
                let pid = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
                kill(pid, SIGTERM)
                let result = try await job.value
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                #expect(result.stdoutText.contains("job exit 143"), "\(result.stdoutText)\n\(log)")
                #expect(log.contains("received SIGTERM") && log.contains("stopped instance 1"))
                #expect(log.contains("mini-compose serve stopped") && log.contains("port_offset_server stopped"))
                #expect(!isListening(listen) && !isListening(offsets))
                let instances = try await sandbox.run("apptainer", ["instance", "list"])
                #expect(!instances.stdoutText.contains("your-app-"), "left running: \(instances.stdoutText)")
            }
        }

        @Test(.enabled(if: ClusterInstall.serveAvailable, "needs mini-compose serve"))
        func guideServeBlockStartsReportsAndStopsAnInstance() async throws {
            try await FakeRuntimeSandbox.with { sandbox in
                let project = try await prepare(sandbox)
                let apptainer = try ClusterProject.runtimeDirectory(["apptainer"], in: sandbox.directory.path)
                let result = try ClusterShell.run(
                    "set -e\nexport PATH=\"$PREFIX/bin:$RUNTIMES:$PATH\"\n" + UserGuide.block("serve"),
                    in: project.directory,
                    variables: try ClusterInstall.variables().merging([
                        "RUNTIMES": apptainer, "HOST_IP": "127.0.0.1", "SERVE_PORT": String(ClusterShell.freePort()),
                        "FAKE_RUNTIME_ROOT": sandbox.stateDirectory.path,
                        "FAKE_RUNTIME_REGISTRY": sandbox.registryDirectory.path,
                    ]) { _, new in new }, timeout: .seconds(120))
                #expect(result.status == .exited(0), "\(result.stdoutText)\n\(result.stderrText)")
                #expect(result.stdoutText.contains("\"state\""), "\(result.stdoutText)")
                let instances = try await sandbox.run("apptainer", ["instance", "list"])
                #expect(!instances.stdoutText.contains("your-app-"), "left running: \(instances.stdoutText)")
            }
        }

        /// Runs without `serve`: a server that cannot start ends the job with an error, and the offset server
        /// the job started is stopped again.
        @Test func jobWhoseServerCannotStartFailsAndStopsTheOffsetServerItStarted() async throws {
            try await FakeRuntimeSandbox.with { sandbox in
                let project = try await prepare(sandbox)
                // The API's port is taken, so `serve` cannot listen there (and before `serve` exists, it fails
                // as an unknown command): either way the server process ends at once.
                let blocker = ClusterShell.listeningSocket()
                defer { close(blocker.fd) }
                let offsets = ClusterShell.freePort()
                var variables = try variables(
                    .gridEngine, project: project, sandbox: sandbox, listen: blocker.port, offsets: offsets)
                variables["MC_WAIT_SECONDS"] = "5"
                let result = try ClusterShell.run(
                    jobScript(.gridEngine, arguments: "./workload.sh"), in: project.directory, variables: variables,
                    timeout: .seconds(60))
                let log = (try? String(contentsOfFile: project.directory + "/job.log", encoding: .utf8)) ?? ""
                #expect(!result.stdoutText.contains("job exit 0"), "\(result.stdoutText)\n\(log)")
                #expect(log.contains("started port_offset_server at 127.0.0.1:\(offsets)"), "\(log)")
                #expect(log.contains("port_offset_server stopped"), "\(log)")
                #expect(!FileManager.default.fileExists(atPath: project.directory + "/reached-1.txt"))
                #expect(!isListening(offsets))
            }
        }

        @Test func nodeAddressIsTheFirstNonLoopbackAddressOfHostname() throws {
            let work = ComposeFixtureDirectory()
            try work.write(
                "bin/hostname",
                """
                #!/bin/sh
                case "$1" in -I) echo "127.0.1.1 fd00::5 10.20.30.40 192.0.2.7 " ;; -i) echo "127.0.1.1" ;; esac

                """)
            chmod(work.path + "/bin/hostname", 0o755)
            let helper = try ClusterInstall.requirePrefix() + "/share/mini-compose/jobs/mini-compose-job.bash"
            let result = try ClusterShell.run(
                "source \"\(helper)\"\nmc_node_ip", in: work.path,
                variables: ["PATH": work.path + "/bin:/usr/bin:/bin"], login: false)
            #expect(result.status == .exited(0))
            #expect(result.stdoutText == "10.20.30.40\n")
        }
    }
}
