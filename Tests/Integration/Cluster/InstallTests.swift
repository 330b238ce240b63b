import Foundation
import SystemKit
import TestSupport
import Testing

/// Every cluster integration test, under one name so `swift test --filter Cluster` selects them. They run one at
/// a time: each starts whole stacks, and together they would crowd the timing of the rest of the suite.
@Suite(.serialized) enum ClusterTests {}

extension ClusterTests {
    /// What `scripts/install` put in the prefix, checked as a cluster node would see it.
    @Suite struct InstallTests {
        private func output(_ tool: String, _ arguments: [String]) throws -> String {
            let result = try ProcessRunner().runBlocking(
                Command(tool, arguments, environment: ["PATH": "/usr/bin:/bin"]),
                options: RunOptions(timeout: .seconds(60)))
            #expect(result.status == .exited(0), "\(tool) \(arguments) failed: \(result.stderrText)")
            return result.stdoutText
        }

        private func needed(_ file: String) throws -> Set<String> {
            let dynamic = try output("readelf", ["-d", file])
            return Set(
                dynamic.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
                    line.split(separator: "[").last?.split(separator: "]").first.map(String.init)
                })
        }

        /// The newest `GLIBC_2.N` symbol version the file references, as N.
        private func newestGlibcMinor(_ file: String) throws -> Int {
            let symbols = try output("objdump", ["-T", file])
            let minors = symbols.split(separator: "\n").compactMap { line -> Int? in
                guard let range = line.range(of: "GLIBC_2.") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }
            return try #require(minors.max())
        }

        @Test func executablesNeedOnlyGlibcAndLibgccAndAtMostGlibc234() throws {
            let prefix = try ClusterInstall.requirePrefix()
            for name in ["mini-compose", "port_offset_server"] {
                let file = prefix + "/bin/" + name
                #expect(try needed(file) == ["libc.so.6", "libm.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"])
                #expect(try newestGlibcMinor(file) <= 34, "\(name) needs a glibc newer than 2.34")
            }
        }

        @Test func shimNeedsAtMostGlibc217AndOnlyGlibcLibraries() throws {
            let library = try ClusterInstall.requirePrefix() + "/lib/libpreload_port_offset.so"
            #expect(try needed(library) == ["libc.so.6", "libdl.so.2", "libpthread.so.0"])
            #expect(try newestGlibcMinor(library) <= 17)
        }

        @Test func installedBinariesRunWithTheToolchainHidden() throws {
            let prefix = try ClusterInstall.requirePrefix()
            let work = ComposeFixtureDirectory()
            try FileManager.default.copyItem(
                atPath: prefix + "/share/mini-compose/examples/docker-compose.yml",
                toPath: work.path + "/docker-compose.yml")
            try FileManager.default.copyItem(
                atPath: prefix + "/share/mini-compose/examples/env.example", toPath: work.path + "/.env")
            // No Swift toolchain on PATH, no LD_LIBRARY_PATH: the environment of a compute node.
            let result = try ClusterShell.run(
                """
                set -e
                export PATH="$PREFIX/bin:$PATH"
                ! command -v swift
                test -z "${LD_LIBRARY_PATH:-}"
                mini-compose --version
                mini-compose config --quiet --strict
                mini-compose config --services
                port_offset_server --check --port 0
                """, in: work.path, variables: try ClusterInstall.variables())
            #expect(result.status == .exited(0), "\(result.stderrText)")
            #expect(result.stdoutText.contains("mini-compose 0."))
            #expect(result.stdoutText.contains("api\ndb\n"))
            #expect(result.stdoutText.contains("configuration ok"))
        }

        @Test(arguments: ["lmod", "tcl"])
        func moduleFileLoadedByLmodPutsTheBinariesOnPathAndSetsTheLibraryDirectory(_ kind: String) throws {
            let prefix = URL(fileURLWithPath: try ClusterInstall.requirePrefix()).resolvingSymlinksInPath().path
            let work = ComposeFixtureDirectory()
            let block = try UserGuide.block("module-load").replacingOccurrences(
                of: "modulefiles/lmod", with: "modulefiles/\(kind)")
            let script =
                block + """
                    echo "lib=$MINICOMPOSE_LIB"
                    echo "share=$MINICOMPOSE_SHARE"
                    echo "found=$(command -v mini-compose) $(command -v port_offset_server)"
                    module unload mini-compose
                    echo "after unload: $(command -v mini-compose || echo none) ${MINICOMPOSE_LIB:-unset}"
                    """
            let result = try ClusterShell.run(script, in: work.path, variables: try ClusterInstall.variables())
            #expect(result.status == .exited(0), "\(result.stderrText)")
            let lines = result.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("mini-compose 0.") == true)
            #expect(lines.contains("lib=\(prefix)/lib"))
            #expect(lines.contains("share=\(prefix)/share/mini-compose"))
            #expect(lines.contains("found=\(prefix)/bin/mini-compose \(prefix)/bin/port_offset_server"))
            #expect(lines.contains("after unload: none unset"))
        }
    }
}
