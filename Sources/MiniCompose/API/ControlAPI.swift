import Foundation
import HTTPKit

/// The server's endpoints, compatible with the original tool's paths (trailing slash optional), each a thin
/// translation between HTTP and the `Controller`.
public enum ControlAPI {
    /// What `/stopServer` asks of the process that runs the server.
    public typealias ShutdownRequest = @Sendable (_ keepInstances: Bool) -> Void

    public static func router(controller: Controller, requestShutdown: @escaping ShutdownRequest) -> Router {
        var router = Router()
        router.get("/") { _ in .html(ControlPanel.html) }
        router.get("/healthz", execution: .immediate) { _ in .negotiated(["status": "ok"], text: "ok\n") }
        router.get("/openapi.json") { _ in .json(OpenAPIDocument.document) }

        router.get("/reload", changesState: true) { _ in
            switch await controller.reload() {
            case .success(let summary):
                let json: JSONValue = [
                    "reloaded": true, "added": strings(summary.added), "removed": strings(summary.removed),
                    "changed": strings(summary.changed), "warnings": strings(summary.warnings),
                ]
                let text =
                    "reloaded: added \(list(summary.added)); removed \(list(summary.removed)); "
                    + "changed \(list(summary.changed))\n"
                return .negotiated(json, text: text)
            case .failure(let error):
                throw InvalidConfiguration(error: error)
            }
        }

        for kind in RuntimeKind.allCases {
            router.get("/set_\(kind.rawValue)", changesState: true) { _ in await select(kind, controller) }
        }
        router.get("/set_runtime/{name}", changesState: true) { request in
            let name = try request.parameter("name")
            return await select(try RuntimeKind(name: name), controller)
        }
        router.get("/runtime") { _ in
            let kind = await controller.runtime
            return .negotiated(["runtime": .string(kind.rawValue)], text: "runtime: \(kind.rawValue)\n")
        }

        router.get("/container_settings") { _ in
            let settings = SecretMasking.masked(await controller.settings)
            return .negotiated(
                object(settings), text: settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined())
        }
        router.post("/container_settings") { request in
            let settings = try parseSettings(request)
            try await controller.setSettings(settings)
            return .negotiated(
                ["settings": object(SecretMasking.masked(settings))],
                text: "settings replaced: \(settings.keys.sorted().joined(separator: ", "))\n")
        }

        router.get("/start/{id:name}", changesState: true) { request in
            let id = try request.parameter("id")
            let portShift = try request.query["portshift"].map { text throws(HTTPError) -> Bool in
                guard ["0", "1", "true", "false"].contains(text) else {
                    throw HTTPError.invalidParameter("portshift", value: text, reason: "must be 1 or 0")
                }
                return text == "1" || text == "true"
            }
            let services = try await controller.start(id: id, portShift: portShift)
            return .negotiated(
                ["id": .string(id), "starting": strings(services)],
                text: "starting instance \(id): \(services.joined(separator: ", "))\n")
        }
        router.get("/stop/{id:name}", changesState: true) { request in
            let id = try request.parameter("id")
            if id == "all" {
                let stopped = await controller.stopAll()
                return .negotiated(["stopped": strings(stopped)], text: "stopped \(list(stopped))\n")
            }
            try await controller.stop(id: id)
            return .negotiated(["stopped": strings([id])], text: "stopped instance \(id)\n")
        }
        // Status reads what the instances last published: quick, never blocking, so it runs on the polling thread.
        let board = controller.statusBoard
        router.get("/status", execution: .immediate) { _ in
            let snapshots = board.all.map(\.snapshot)
            return .negotiated(
                ["instances": .array(snapshots.map(SnapshotJSON.instance))],
                text: snapshots.isEmpty ? "no instances\n" : snapshots.map(SnapshotJSON.text).joined())
        }
        router.get("/status/{id:name}", execution: .immediate) { request in
            let id = try request.parameter("id")
            guard let slot = board.slot(id) else { throw LaunchError.unknownInstance(id) }
            var response =
                request.prefersJSON
                ? Response(body: .raw(slot.rendering(SnapshotJSON.document), contentType: "application/json"))
                : .text(SnapshotJSON.text(slot.snapshot))
            response.headers.add("Vary", "Accept")
            return response
        }
        router.get("/logs/{id:name}/{service:name}") { request in
            let tail = try request.query["tail"].map { text throws(HTTPError) -> Int in
                guard let lines = Int(text), lines >= 0 else {
                    throw HTTPError.invalidParameter("tail", value: text, reason: "must be a whole number")
                }
                return lines
            }
            let text = try await controller.logs(
                id: try request.parameter("id"), service: try request.parameter("service"), tail: tail)
            return .text(text)
        }
        router.get("/stopServer", changesState: true) { request in
            let keep = request.query["keep"].map { $0 == "1" || $0 == "true" } ?? false
            requestShutdown(keep)
            let text = keep ? "shutting down; instances keep running\n" : "stopping every instance and shutting down\n"
            return .negotiated(["shutting_down": true, "keep_instances": .bool(keep)], text: text)
        }
        return router
    }

    private static func select(_ kind: RuntimeKind, _ controller: Controller) async -> Response {
        await controller.setRuntime(kind)
        return .negotiated(["runtime": .string(kind.rawValue)], text: "runtime set to \(kind.rawValue)\n")
    }

    private static func strings(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }

    private static func object(_ settings: [String: String]) -> JSONValue {
        .object(settings.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }

    /// A JSON object of string → string; anything else is a 400 that says what is wrong.
    static func parseSettings(_ request: Request) throws(HTTPError) -> [String: String] {
        guard case .object(let pairs) = try request.jsonBody() else {
            throw .badRequest("settings must be a JSON object of string values")
        }
        var result: [String: String] = [:]
        for (name, value) in pairs {
            guard case .string(let text) = value else {
                throw .badRequest("setting \(name) must be a string", detail: .string(name))
            }
            guard Controller.isSettingName(name) else {
                throw .badRequest(
                    "setting name \"\(name)\" is not valid: a letter or _ then letters, digits or _",
                    detail: .string(name))
            }
            guard !text.contains("\0") else {
                throw .badRequest("setting \(name) holds a NUL byte", detail: .string(name))
            }
            guard result[name] == nil else {
                throw .badRequest("setting \(name) is given twice", detail: .string(name))
            }
            result[name] = text
        }
        return result
    }
}
