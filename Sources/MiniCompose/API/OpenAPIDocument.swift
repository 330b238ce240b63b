import HTTPKit

/// `GET /openapi.json`: an OpenAPI 3 description of every endpoint, kept true by a contract test.
enum OpenAPIDocument {
    static let document: JSONValue = [
        "openapi": "3.0.3",
        "info": [
            "title": "Mini Compose control API", "version": .string(miniComposeVersion),
            "description": """
            Start, stop and watch instances of a compose project. Responses are JSON when the request says \
            Accept: application/json (errors always are), short text otherwise. With a token configured, \
            every request but GET / needs Authorization: Bearer <token>.
            """,
        ],
        "components": [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "parameters": [
                "id": parameter("id", "The instance id: 1 to 64 letters, digits, _, . or -."),
                "service": parameter("service", "A service name of the project."),
            ],
            "schemas": [
                "Error": object(
                    required: ["error"],
                    ["error": ["type": "string"], "detail": ["nullable": true]]),
                "Service": object(
                    required: ["service", "state", "container", "runtime", "restarts", "ports", "health"],
                    [
                        "service": ["type": "string"],
                        "state": [
                            "type": "string",
                            "description":
                                "CREATED, STARTING, RUNNING, HEALTHY, UNHEALTHY, EXITED(code), STOPPED or FAILED",
                        ],
                        "reason": ["type": "string", "nullable": true], "container": ["type": "string"],
                        "runtime": ["type": "string"], "started_at": ["type": "number", "nullable": true],
                        "restarts": ["type": "integer"], "ports": ["type": "array", "items": ["type": "object"]],
                        "health": ["type": "array", "items": ["type": "object"]],
                    ]),
                "Instance": object(
                    required: ["id", "project", "runtime", "host_ip", "phase", "healthy", "services"],
                    [
                        "id": ["type": "string"], "project": ["type": "string"], "runtime": ["type": "string"],
                        "host_ip": ["type": "string"], "phase": ["type": "string"], "healthy": ["type": "boolean"],
                        "services": ["type": "array", "items": ["$ref": "#/components/schemas/Service"]],
                    ]),
                "Settings": ["type": "object", "additionalProperties": ["type": "string"]],
            ],
        ],
        "security": [["bearer": []], [:]],
        "paths": .object(paths),
    ]

    private static var paths: [(String, JSONValue)] {
        var result: [(String, JSONValue)] = [
            ("/", ["get": operation("The control panel (HTML).", html: true, security: false)]),
            ("/healthz", ["get": operation("Liveness of the server.")]),
            ("/openapi.json", ["get": operation("This document.")]),
            (
                "/reload/",
                ["get": operation("Re-read the compose file; on failure the last good model stays.", errors: [422])]
            ),
            ("/runtime", ["get": operation("The runtime instances start with.")]),
            (
                "/set_runtime/{name}/",
                [
                    "parameters": [parameter("name", "docker, podman, apptainer or singularity")],
                    "get": operation("Switch the runtime for instances started afterwards.", errors: [400]),
                ]
            ),
            (
                "/container_settings/",
                [
                    "get": operation("The settings given to every container (secret-looking values masked)."),
                    "post": operation(
                        "Replace the settings: a JSON object of string values with names [A-Za-z_][A-Za-z0-9_]*.",
                        errors: [400, 413], body: ["$ref": "#/components/schemas/Settings"]),
                ]
            ),
            (
                "/start/{id}/",
                [
                    "parameters": [["$ref": "#/components/parameters/id"]],
                    "get": operation("Start an instance of the project.", errors: [400, 409]),
                ]
            ),
            (
                "/stop/{id}/",
                [
                    "parameters": [["$ref": "#/components/parameters/id"]],
                    "get": operation("Stop an instance (all for every one).", errors: [400, 404]),
                ]
            ),
            ("/status/", ["get": operation("Every instance and its services.")]),
            (
                "/status/{id}/",
                [
                    "parameters": [["$ref": "#/components/parameters/id"]],
                    "get": operation(
                        "One instance and its services.", errors: [400, 404],
                        schema: ["$ref": "#/components/schemas/Instance"]),
                ]
            ),
            (
                "/logs/{id}/{service}/",
                [
                    "parameters": [
                        ["$ref": "#/components/parameters/id"], ["$ref": "#/components/parameters/service"],
                        [
                            "name": "tail", "in": "query", "required": false,
                            "schema": ["type": "integer", "minimum": 0],
                        ],
                    ],
                    "get": operation("The last lines of a service's output (text).", errors: [400, 404], text: true),
                ]
            ),
            (
                "/stopServer",
                [
                    "parameters": [
                        [
                            "name": "keep", "in": "query", "required": false,
                            "schema": ["type": "string", "enum": ["0", "1"]],
                        ]
                    ],
                    "get": operation("Stop every instance (unless keep=1) and shut the server down."),
                ]
            ),
        ]
        for kind in RuntimeKind.allCases {
            result.append(("/set_\(kind.rawValue)/", ["get": operation("Switch the runtime to \(kind.rawValue).")]))
        }
        return result
    }

    private static func parameter(_ name: String, _ description: String) -> JSONValue {
        [
            "name": .string(name), "in": "path", "required": true, "description": .string(description),
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"],
        ]
    }

    private static func object(required: [String], _ properties: JSONValue) -> JSONValue {
        ["type": "object", "required": .array(required.map(JSONValue.string)), "properties": properties]
    }

    private static func operation(
        _ summary: String, errors: [Int] = [], html: Bool = false, text: Bool = false, security: Bool = true,
        body: JSONValue? = nil, schema: JSONValue = ["type": "object"]
    ) -> JSONValue {
        var responses: [(String, JSONValue)] = []
        let okContent: JSONValue =
            html
            ? ["text/html": ["schema": ["type": "string"]]]
            : text
                ? ["text/plain": ["schema": ["type": "string"]]]
                : ["application/json": ["schema": schema], "text/plain": ["schema": ["type": "string"]]]
        responses.append(("200", ["description": "success", "content": okContent]))
        let errorContent: JSONValue = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
        for code in Set(errors + (security ? [401, 403] : [])).sorted() {
            responses.append((String(code), ["description": "error", "content": errorContent]))
        }
        var fields: [(String, JSONValue)] = [("summary", .string(summary)), ("responses", .object(responses))]
        if !security { fields.append(("security", [])) }
        if let body {
            fields.append(("requestBody", ["required": true, "content": ["application/json": ["schema": body]]]))
        }
        return .object(fields)
    }
}
