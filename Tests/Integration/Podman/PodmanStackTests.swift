import Foundation
import MiniCompose
import SystemKit
import TestSupport
import Testing

extension PodmanTests {
    /// The fixture stack (store ← api ← web, each `service_healthy`) on real containers, driven through the
    /// docker backend as `podman` and as `docker` pointed at podman.
    @Suite struct Stack {
        static let services = ["store", "api", "web"]
        /// Values that break naive quoting: commas, `=`, `$`, both quotes, backticks, spaces and a newline.
        static let awkwardSetting = "x,y=z $HOME ${PATH} 'single' \"double\" `tick`  two  spaces\nnext line"
        static let awkwardEnvironment = [
            "COMMAS_AND_EQUALS": "a,b=c,d==e",
            "DOLLARS": "$HOME and ${PATH} stay literal",
            "QUOTES": "it's \"quoted\" `ticked`",
            "SPACES": "  leading and trailing  ",
            "NEWLINES": "first line\nsecond line",
        ]

        @Test(arguments: PodmanStack.Face.allCases)
        func stackBuiltFromItsBuildSectionsComesUpHealthyInDependencyOrder(face: PodmanStack.Face) async throws {
            let stack = try PodmanStack(face: face)
            _ = try await stack.podman(["rmi", "-f"] + Self.services.map { "mcpodman-\($0)" })

            let up = try await stack.miniCompose("up", ["-d", "--env", "SETTING=\(Self.awkwardSetting)"])

            #expect(up.status == .exited(0), "up: \(up.stderrText)")
            #expect(stack.states() == ["store": "HEALTHY", "api": "HEALTHY", "web": "HEALTHY"])
            for service in Self.services {
                let image = try await stack.podman(["image", "exists", "mcpodman-\(service)"])
                #expect(image.status == .exited(0), "the launcher built mcpodman-\(service)")
                let running = try await stack.podman([
                    "inspect", "--format", "{{.State.Status}} {{.HostConfig.NetworkMode}}", stack.container(service),
                ])
                #expect(running.stdoutText == "running host\n")
            }
            let state = try #require(try stack.state())
            #expect(try Self.moment(state, "api", "STARTING") >= Self.moment(state, "store", "HEALTHY"))
            #expect(try Self.moment(state, "web", "STARTING") >= Self.moment(state, "api", "HEALTHY"))
            try await stack.miniCompose("down").expectSuccess("down")
        }

        @Test(arguments: PodmanStack.Face.allCases)
        func environmentAndPostedSettingsArriveIntactInEveryContainer(face: PodmanStack.Face) async throws {
            let stack = try PodmanStack(face: face)
            let up = try await stack.miniCompose("up", ["-d", "--env", "SETTING=\(Self.awkwardSetting)"])
            #expect(up.status == .exited(0), "up: \(up.stderrText)")

            for (name, value) in Self.awkwardEnvironment.sorted(by: { $0.key < $1.key }) {
                #expect(try await stack.variable(name, in: stack.container("store")) == value, "\(name)")
            }
            for service in Self.services {
                #expect(try await stack.variable("SETTING", in: stack.container(service)) == Self.awkwardSetting)
                #expect(try await stack.variable("SERVICE_NAME", in: stack.container(service)) == service)
            }
            try await stack.miniCompose("down").expectSuccess("down")
        }

        @Test func hostsFileIsEtcHostsAndEveryServiceNameReachesItsServiceAtHostIP() async throws {
            let stack = try PodmanStack()
            let up = try await stack.miniCompose("up", ["-d"])
            #expect(up.status == .exited(0), "up: \(up.stderrText)")

            let written = try String(
                contentsOfFile: stack.workingDirectory.path + "/.mini-compose/\(stack.id)/hosts", encoding: .utf8)
            #expect(written.contains("127.0.0.1\tstore"))
            for service in Self.services {
                let seen = try await stack.podman(["exec", stack.container(service), "cat", "/etc/hosts"])
                #expect(seen.stdoutText == written, "/etc/hosts in \(service)")
            }
            for peer in Self.services {
                let answer = try await stack.podman([
                    "exec", stack.container("web"), "wget", "-q", "-O", "-",
                    "http://\(peer):\(stack.port(peer))/name",
                ])
                #expect(answer.stdoutText == peer + "\n", "web asking \(peer): \(answer.stderrText)")
            }
            let logs = try await stack.miniCompose("logs", ["web"])
            #expect(logs.stdoutText.contains("reached api:\(stack.port("api")): api"), "\(logs.stdoutText)")
            try await stack.miniCompose("down").expectSuccess("down")
        }

        @Test func downStopsDependentsFirstAndLeavesNoContainerOrState() async throws {
            let stack = try PodmanStack()
            let up = try await stack.miniCompose("up", ["-d"])
            #expect(up.status == .exited(0), "up: \(up.stderrText)")
            #expect(try await stack.containers().count == 3)
            let since = String(Int(Date().timeIntervalSince1970) - 1)

            let down = try await stack.miniCompose("down")

            #expect(down.status == .exited(0), "down: \(down.stderrText)")
            let events = try await stack.podman([
                "events", "--stream=false", "--since", since, "--filter", "event=died", "--format", "{{.Name}}",
            ])
            let died = events.stdoutText.split(separator: "\n").map(String.init).filter { $0.contains(stack.id) }
            #expect(died == ["web", "api", "store"].map { stack.container($0) })
            #expect(try await stack.containers() == [])
            #expect(!FileManager.default.fileExists(atPath: stack.workingDirectory.path + "/.mini-compose/\(stack.id)"))
        }

        @Test func savedImagesAreArchivesThatPodmanLoadAccepts() async throws {
            let stack = try PodmanStack()
            let up = try await stack.miniCompose("up", ["-d", "--save-images"])
            #expect(up.status == .exited(0), "up: \(up.stderrText)")

            for service in Self.services {
                let archive = ImageFiles.archive("mcpodman-\(service)", in: stack.workingDirectory.path)
                #expect(FileManager.default.fileExists(atPath: archive), "\(archive)")
                let loaded = try await stack.podman(["load", "-i", archive])
                #expect(loaded.status == .exited(0), "podman load: \(loaded.stderrText)")
                #expect(loaded.stdoutText.contains("mcpodman-\(service)"), "\(loaded.stdoutText)")
            }
            try await stack.miniCompose("down").expectSuccess("down")
        }

        /// When the service entered the state, from the saved transitions.
        static func moment(_ state: InstanceState, _ service: String, _ label: String) throws -> Double {
            let record = try #require(state.services.first { $0.service == service })
            return try #require(record.transitions.first { $0.state == label }?.at, "\(service) never \(label)")
        }
    }
}

extension RunResult {
    /// Records a failure naming `what` unless the command exited 0.
    func expectSuccess(_ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(status == .exited(0), "\(what): \(stderrText)", sourceLocation: sourceLocation)
    }
}
