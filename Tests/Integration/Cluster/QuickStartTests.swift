import Foundation
import SystemKit
import TestSupport
import Testing

extension ClusterTests {
    /// The original documentation's PortShift quick start, verbatim from the user guide, on the installed files
    /// loaded with Lmod. It uses the fixed ports it documents (25000, 8080), so it runs in a private network
    /// namespace where nothing else can hold them.
    @Suite(.enabled(if: ClusterShell.privateNetworkAvailable, "needs a network namespace (unshare -n, ip)"))
    struct QuickStartTests {
        /// Asks the server at 127.0.0.1:PORT (without the shim) a line of its protocol and prints the answer.
        private func ask(_ port: Int, _ request: String) -> String {
            """
            for attempt in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/\(port)) 2>/dev/null && break; sleep 0.05; done
            exec 3<>/dev/tcp/127.0.0.1/\(port) && printf '\(request)\\n' >&3 && read -r answer <&3 && exec 3<&-
            echo "\(port) \(request): $answer"

            """
        }

        @Test func quickStartBindsMyteamAt8180AndYourteamAt8280() throws {
            let work = ComposeFixtureDirectory()
            // The guide's ./server: the fixture TCP service, which listens on 8080 by default.
            try FileManager.default.copyItem(
                atPath: BuildProducts.directory.appendingPathComponent("fixture-programs/tcp-service").path,
                toPath: work.path + "/server")
            let script =
                try "module use \"$PREFIX/share/modulefiles/lmod\"\n" + UserGuide.block("quickstart-offset-server")
                + "(\n" + UserGuide.block("quickstart-myteam") + ") >myteam.log 2>&1 &\n"
                + ask(8180, "PORT") + ask(8180, "ENV APP_GRP")
                // The teammate comes second, as in the guide, so the first group has the first window.
                + "(\n" + UserGuide.block("quickstart-yourteam") + ") >yourteam.log 2>&1 &\n"
                + ask(8280, "PORT") + ask(8280, "ENV APP_GRP")
                    + """
                    if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then echo "8080 open"; else echo "8080 closed"; fi
                    exec 3<>/dev/tcp/127.0.0.1/25000 && printf 'LIST\\n' >&3
                    while read -r line <&3 && [ "$line" != . ]; do printf '%s, ' "$line"; done
                    echo
                    # Everything this shell started (the servers run inside subshells) shares its process group.
                    trap '' TERM
                    kill -TERM 0
                    wait
                    """
            let result = try ClusterShell.run(
                script, in: work.path, variables: try ClusterInstall.variables(), privateNetwork: true,
                timeout: .seconds(60))
            let out = result.stdoutText
            #expect(out.contains("8180 PORT: 8080"), "\(out)\n\(result.stderrText)")
            #expect(out.contains("8180 ENV APP_GRP: myteam"))
            #expect(out.contains("8280 PORT: 8080"))
            #expect(out.contains("8280 ENV APP_GRP: yourteam"))
            #expect(out.contains("8080 closed"))
            #expect(out.contains("myteam 100, ") && out.contains("yourteam 200, "))
        }
    }
}
