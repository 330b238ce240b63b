import HTTPKit

extension LaunchError: HTTPResponseError {
    public var status: HTTPStatus {
        switch self {
        case .invalidRuntime, .invalidName: .badRequest
        case .instanceRunning: .conflict
        case .unknownInstance, .unknownService: .notFound
        case .imageUnavailable, .dependencyFailed, .upstreamFailed, .unsupported: .unprocessableContent
        case .runtimeNotFound, .runtimeFailed, .runtimeTimedOut, .containerExited, .fileSystem: .internalServerError
        }
    }

    public var message: String { description }
}

/// A reload (or the first load) found the compose file invalid: 422 with every diagnostic.
struct InvalidConfiguration: HTTPResponseError {
    let error: ComposeError

    var status: HTTPStatus { .unprocessableContent }
    var message: String {
        let first = error.errors.first.map(\.summary) ?? "unknown problem"
        return "the compose file is invalid; the last good configuration stays in force: \(first)"
    }
    var detail: JSONValue {
        .array(
            error.diagnostics.map { diagnostic in
                [
                    "severity": .string(diagnostic.severity.rawValue), "file": .string(diagnostic.location.file),
                    "line": .int(Int64(diagnostic.location.line)), "column": .int(Int64(diagnostic.location.column)),
                    "message": .string(diagnostic.message),
                    "suggestion": diagnostic.suggestion.map(JSONValue.string) ?? .null,
                ]
            })
    }
}
