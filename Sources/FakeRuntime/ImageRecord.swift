import Foundation

/// A fake image: the configuration a Dockerfile gives, plus a directory of the files it copies in (`rootfs`).
struct ImageRecord: Codable, Equatable {
    var id: String
    var repoTags: [String]
    var created: String
    var environment: [String]
    var workingDirectory: String
    var entrypoint: [String]?
    var cmd: [String]?
    var exposedPorts: [String]
    var labels: [String: String]
    var user: String
    /// Dockerfile RUN lines: recorded, never executed.
    var runLines: [String]
    var parent: String?

    static func empty(id: String) -> ImageRecord {
        ImageRecord(
            id: id, repoTags: [], created: StateStore.timestamp(), environment: [], workingDirectory: "",
            entrypoint: nil, cmd: nil, exposedPorts: [], labels: [:], user: "", runLines: [], parent: nil)
    }

    var shortID: String { String(id.prefix(12)) }

    /// The image's variables as a dictionary (the last definition of a name wins).
    var environmentMap: [String: String] {
        var map: [String: String] = [:]
        for entry in environment {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            map[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return map
    }

    /// The Docker image config (`docker image inspect` / archive config) for this image.
    func dockerConfig() -> [String: Any] {
        var config: [String: Any] = [
            "Env": environment, "WorkingDir": workingDirectory, "Labels": labels, "User": user,
            "ExposedPorts": Dictionary(uniqueKeysWithValues: exposedPorts.map { ($0, [String: Any]()) }),
        ]
        config["Entrypoint"] = entrypoint.map { $0 as Any } ?? NSNull()
        config["Cmd"] = cmd.map { $0 as Any } ?? NSNull()
        return config
    }
}
