import Foundation
import HTTPKit
import MiniCompose
import SystemKit

/// `mini-compose serve HOST_IP`: the HTTP control server (and `mini-compose HOST_IP`, the original's shape).
struct ServeCommand {
    static let summary = "serve the HTTP API and control panel (also: mini-compose HOST_IP)"
    static let help = """
        Usage: mini-compose serve HOST_IP [-f FILE]... [--listen ADDR:PORT] [--token-file FILE]
                                  [--allow-host NAME]... [RUNTIME OPTIONS]
               mini-compose HOST_IP

        Serves the control API and panel. HOST_IP is the address every service name resolves to inside
        the containers. Instances started through the API run until /stop/<id>/ or /stopServer; SIGTERM
        and SIGINT stop them all, dependents first, then exit. Instances a previous server left running
        are adopted at start.

          --listen ADDR:PORT    where to listen (default 127.0.0.1:5000; [::1]:PORT for IPv6). Listening
                                on 0.0.0.0 without a token draws a warning: anyone on the network could
                                then start and stop containers as you.
          --token-file FILE     require Authorization: Bearer <token> on every request but GET /; the file
                                (mode 0600 or stricter) holds the token
          --allow-host NAME     also accept requests whose Host header is NAME (or NAME:PORT), e.g. the
                                node's name when reached through an SSH tunnel under another name

        """ + LaunchOptions.help

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        var launch = LaunchOptions()
        try launch.take(from: &arguments, includeStartOptions: true)
        let listenText = try arguments.value("--listen") ?? "127.0.0.1:5000"
        let tokenFile = try arguments.value("--token-file")
        let allowHosts = try arguments.values("--allow-host")
        let positionals = try arguments.positionals()
        guard positionals.count <= 1 else { throw UsageError(message: "serve takes one HOST_IP") }
        if let hostIP = positionals.first {
            guard HostsFile.isIPAddress(hostIP) else {
                throw UsageError(message: "HOST_IP \"\(hostIP)\" is not an IP address")
            }
            launch.hostIP = hostIP
        }
        let listen: ListenAddress
        do {
            listen = try ListenAddress(parsing: listenText)
        } catch {
            throw UsageError(message: "--listen: \(error)")
        }
        let token: BearerToken?
        do {
            token = try tokenFile.map { path throws(TokenFileError) in try BearerToken(contentsOfFile: path) }
        } catch {
            Terminal.err("mini-compose: error: --token-file: \(error)\n")
            return 1
        }
        let logger = global.logger.child(component: "server")
        var options = Controller.Options(
            load: global.loadOptions(), runtime: launch.runtime, hostIP: launch.hostIP,
            processEnvironment: ProcessInfo.processInfo.environment)
        options.runtimePath = launch.runtimePath
        options.workingDirectory = launch.workingDirectory
        options.saveImages = launch.saveImages
        options.portShiftByDefault = launch.portShift
        let loaded = try? ComposeLoader(options: global.loadOptions()).load()
        if let project = loaded {
            options.portShift = try launch.portShiftSettings(for: project)
            options.portShiftByDefault =
                options.portShift != nil
                && (launch.portShift
                    || PortShiftSettings.fromProject(project, libraryPath: "") != nil)
        }
        if options.portShift == nil, let shim = launch.shimPath ?? LaunchOptions.defaultShim() {
            // PortShift stays available per instance (/start/<id>/?portshift=1) whenever the shim is at hand.
            var settings = PortShiftSettings(libraryPath: shim)
            settings.startServerIfMissing = launch.offsetServer == "auto"
            settings.serverAddress = launch.offsetServerAddress
            settings.exceptPorts += launch.exceptPorts
            options.portShift = settings
        }
        let controller: Controller
        do {
            controller = try Controller(options: options, logger: global.logger.child(component: "controller"))
        } catch {
            let loader = ComposeLoader(options: global.loadOptions())
            _ = try? loader.load()
            Terminal.err(loader.renderer.render(error.diagnostics))
            return 1
        }
        let settings = launch.settings
        return AsyncMain.run {
            await Self.serve(
                controller: controller, settings: settings, listen: listen, token: token, allowHosts: allowHosts,
                logger: logger)
        }
    }

    private static func serve(
        controller: Controller, settings: [String: String], listen: ListenAddress, token: BearerToken?,
        allowHosts: [String], logger: Logger
    ) async -> Int32 {
        if !settings.isEmpty { try? await controller.setSettings(settings) }
        let adopted = await controller.adoptLeftovers()
        if !adopted.isEmpty { logger.info("adopted instances", ["ids": adopted.joined(separator: ",")]) }
        let shutdown = ShutdownSignal()
        let watcher = SignalWatcher { _ in shutdown.request(keepInstances: false) }
        defer { watcher.cancel() }
        let router = ControlAPI.router(controller: controller) { keep in shutdown.request(keepInstances: keep) }
        // Listening on every interface, the node is reached by its own names and addresses, which are allowed too.
        let hosts = listen.isWildcard ? allowHosts + AllowedHosts.thisMachine() : allowHosts
        var middleware: [any Middleware] = [HostCheck(allowed: AllowedHosts(extra: hosts)), OriginCheck()]
        if let token { middleware.append(BearerAuthentication(token: token)) }
        let server: HTTPServer
        do {
            server = try HTTPServer.start(
                ServerConfiguration(address: listen), application: Application(router: router, middleware: middleware),
                logger: logger)
        } catch {
            Terminal.err("mini-compose: error: cannot serve on \(listen): \(error)\n")
            return 1
        }
        if server.address.isWildcard && token == nil {
            logger.warning(
                "listening on every interface without a token: anyone who can reach this port controls your containers",
                ["address": server.address.description])
        }
        let keep = await shutdown.wait()
        if keep {
            logger.info("shutting down; instances keep running for a later server to adopt")
        } else {
            let stopped = await controller.stopAll()
            logger.info("instances stopped", ["ids": stopped.joined(separator: ",")])
        }
        await server.shutdown()
        logger.info("server stopped")
        return 0
    }
}

/// One shutdown request, from a signal or from `/stopServer`; the first one wins.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var requested: Bool?
    private var waiter: CheckedContinuation<Bool, Never>?

    func request(keepInstances: Bool) {
        let resume: CheckedContinuation<Bool, Never>? = lock.withLock {
            guard requested == nil else { return nil }
            requested = keepInstances
            defer { waiter = nil }
            return waiter
        }
        resume?.resume(returning: keepInstances)
    }

    /// Returns whether the instances should be kept running.
    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let ready: Bool? = lock.withLock {
                if let requested { return requested }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
