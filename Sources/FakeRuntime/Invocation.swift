import Foundation

/// What every command needs: the face it answers as, the caller's environment and directory, and the stores.
struct Invocation {
    let face: Face
    let environment: [String: String]
    let state: StateStore
    let workingDirectory: String

    init(face: Face, environment: [String: String]) {
        self.face = face
        self.environment = environment
        self.state = StateStore.fromEnvironment(environment)
        self.workingDirectory = FileManager.default.currentDirectoryPath
    }

    var images: ImageStore { ImageStore(state: state) }
    var containers: ContainerStore { .containers(state) }
    var instances: ContainerStore { .instances(state) }

    /// A path from the command line, made absolute against the caller's directory.
    func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: workingDirectory).appendingPathComponent(path).standardizedFileURL.path
    }
}
