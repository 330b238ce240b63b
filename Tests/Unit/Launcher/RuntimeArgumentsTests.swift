import Testing

@testable import MiniCompose

/// The argument arrays each backend hands its runtime, for a service that uses every field.
@Suite struct RuntimeArgumentsTests {
    private var spec: ContainerSpec {
        var spec = ContainerSpec(name: "demo-a-web", service: "web", image: "registry.local/web:2")
        spec.command = ["serve", "--port", "8080"]
        spec.environment = [("A", "1"), ("TRICKY", "a,b=c $HOME `x` 'q' \"d\"\nline2")]
        spec.binds = [
            .init(source: "/srv/data", target: "/data", readOnly: false),
            .init(source: "/etc/tz", target: "/etc/localtime", readOnly: true),
        ]
        spec.ports = [
            PortMapping(target: 80, published: "8080"), PortMapping(target: 53, hostIP: "::1", protocol: "udp"),
        ]
        spec.hostsFile = "/w/.mini-compose/a/hosts"
        spec.workingDir = "/app"
        spec.user = "1000:1000"
        spec.gpu = GPURequest(count: nil, deviceIDs: [], driver: nil, capabilities: ["gpu"])
        spec.labels = [("io.mini-compose.service", "web")]
        return spec
    }

    @Test func dockerRunPassesEverythingAsSeparateWords() {
        #expect(
            DockerRuntime.runArguments(spec) == [
                "run", "-d", "--name", "demo-a-web", "--label", "io.mini-compose.service=web",
                "-e", "A=1", "-e", "TRICKY=a,b=c $HOME `x` 'q' \"d\"\nline2",
                "-v", "/srv/data:/data", "-v", "/etc/tz:/etc/localtime:ro", "-v",
                "/w/.mini-compose/a/hosts:/etc/hosts:ro",
                "-p", "8080:80/tcp", "-p", "[::1]::53/udp", "-w", "/app", "--user", "1000:1000", "--gpus", "all",
                "registry.local/web:2", "serve", "--port", "8080",
            ])
    }

    @Test func dockerEntrypointOverrideTakesTheFirstWordAndPrependsTheRest() {
        var spec = ContainerSpec(name: "n", service: "s", image: "img")
        spec.entrypoint = ["/bin/sh", "-c"]
        spec.command = ["echo hi"]
        #expect(
            DockerRuntime.runArguments(spec) == [
                "run", "-d", "--name", "n", "--entrypoint", "/bin/sh", "img", "-c", "echo hi",
            ])
    }

    @Test func dockerRunOfAHostNetworkServiceAsksForTheHostNetwork() {
        var spec = ContainerSpec(name: "n", service: "s", image: "img")
        spec.hostNetwork = true
        #expect(DockerRuntime.runArguments(spec) == ["run", "-d", "--name", "n", "--network", "host", "img"])
    }

    @Test func dockerBuildNamesDockerfileArgsAndTarget() {
        let build = BuildSpec(
            context: "/p/app", dockerfile: "Containerfile",
            args: [EnvironmentVariable(name: "V", value: "1"), EnvironmentVariable(name: "FROM_ENV", value: nil)],
            target: "runtime")
        #expect(
            DockerRuntime.buildArguments(image: "demo-app", build: build) == [
                "build", "-t", "demo-app", "-f", "/p/app/Containerfile", "--build-arg", "V=1", "--build-arg",
                "FROM_ENV",
                "--target", "runtime", "/p/app",
            ])
    }

    @Test func apptainerInstanceRunUsesAnEnvFileCleanEnvBindsAndNv() {
        #expect(
            ApptainerRuntime.instanceRunArguments(spec, envFile: "/w/.mini-compose/a/web.env", noEval: true) == [
                "instance", "run", "--cleanenv", "--env-file", "/w/.mini-compose/a/web.env", "--no-eval",
                "--bind", "/srv/data:/data", "--bind", "/etc/tz:/etc/localtime:ro",
                "--bind", "/w/.mini-compose/a/hosts:/etc/hosts:ro", "--nv", "--pwd", "/app",
                "registry.local/web:2", "demo-a-web", "serve", "--port", "8080",
            ])
    }

    @Test func apptainerRunOfAJobTakesTheSameOptionsInTheForegroundWithoutAnInstanceName() {
        #expect(
            ApptainerRuntime.runArguments(spec, envFile: "/w/.mini-compose/a/web.env", noEval: false) == [
                "run", "--cleanenv", "--env-file", "/w/.mini-compose/a/web.env",
                "--bind", "/srv/data:/data", "--bind", "/etc/tz:/etc/localtime:ro",
                "--bind", "/w/.mini-compose/a/hosts:/etc/hosts:ro", "--nv", "--pwd", "/app",
                "registry.local/web:2", "serve", "--port", "8080",
            ])
    }

    @Test func apptainerEnvFileQuotesValuesSoTheyArriveIntact() {
        #expect(ApptainerRuntime.shellQuoted("plain") == "'plain'")
        #expect(ApptainerRuntime.shellQuoted("it's $HOME") == "'it'\\''s $HOME'")
    }

    @Test func imageFilesFlattenTheReference() {
        #expect(ImageFiles.archive("registry.local/app:2", in: "/w") == "/w/registry.local_app_2.tar")
        #expect(ImageFiles.sif("demo-web", in: "/w") == "/w/demo-web.sif")
    }
}
