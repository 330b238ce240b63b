import Foundation
import MiniCompose
import SystemKit

/// `mini-compose pack`: one archive of the project directory, to carry a stack to the cluster.
struct PackCommand {
    static let summary = "write the project directory and its saved images into one archive"
    static let help = """
        Usage: mini-compose pack [-o ARCHIVE] [--exclude PATTERN]... [--no-images] [--working-dir DIR]

        Writes the project directory into one archive, to carry a stack from the machine where its images
        were saved (mini-compose up --runtime docker --save-images) to the cluster: the compose files, .env,
        env files, build contexts, bind-mounted directories and working_dir with the saved images (.tar,
        .sif). The launcher's state (working_dir/.mini-compose) is left out. The archive holds one directory
        named after the project directory, so `mini-compose unpack ARCHIVE` (or `tar -xf ARCHIVE`) gives
        the same tree on the other side. Files the project uses from outside the directory are named in a
        warning, and so is every service whose image is not saved in working_dir.

          -o, --output ARCHIVE   where to write (default: DIRECTORY.tar.gz in the current directory); the
                                 suffix chooses the compression: .tar, .tar.gz or .tgz, .tar.zst, .tar.xz
              --exclude PATTERN  leave out files whose names match PATTERN (tar wildcards); repeatable
              --no-images        leave out working_dir's images (*.tar, *.sif)
              --working-dir DIR  where the images are (default: working_dir beside the compose file)
        """

    static let suffixes = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.xz"]

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        let output = try arguments.value("-o", "--output")
        let excludes = try arguments.values("--exclude")
        let noImages = arguments.flag("--no-images")
        var launch = LaunchOptions()
        try launch.take(from: &arguments, includeStartOptions: false)
        guard try arguments.positionals().isEmpty else { throw UsageError(message: "pack takes no arguments") }
        if let output, !suffixes.contains(where: { output.hasSuffix($0) }) {
            throw UsageError(message: "-o \"\(output)\" must end in " + suffixes.joined(separator: ", "))
        }
        guard case .loaded(let project) = ProjectLoading.load(global) else { return 1 }
        let directory = URL(fileURLWithPath: project.directory).standardizedFileURL.path
        let name = (directory as NSString).lastPathComponent
        let cwd = FileManager.default.currentDirectoryPath
        let archive = URL(fileURLWithPath: output ?? name + ".tar.gz", relativeTo: URL(fileURLWithPath: cwd))
            .standardizedFileURL.path
        let workingDirectory = launch.workingDirectory(for: project)

        for path in outsideReferences(project, directory: directory) {
            Terminal.err("mini-compose: warning: \(path) is outside \(directory) and is not in the archive\n")
        }
        var excluded = [ProjectPath.inside(workingDirectory + "/.mini-compose", directory: directory)].compactMap {
            $0
        }
        var imagePatterns: [String] = []
        if ProjectPath.inside(workingDirectory, directory: directory) == nil {
            Terminal.err(
                "mini-compose: warning: the working directory \(workingDirectory) is outside \(directory); "
                    + "its images are not in the archive\n")
        } else if noImages {
            let relative = ProjectPath.inside(workingDirectory, directory: directory) ?? ""
            imagePatterns = ["*.tar", "*.sif"].map { name + "/" + (relative.isEmpty ? "" : relative + "/") + $0 }
        } else {
            reportImages(project, workingDirectory: workingDirectory)
        }
        // The archive is written under a temporary name and renamed when complete. tar fails when a directory
        // it reads changes meanwhile, so an archive that goes into the project directory is written beside it.
        let suffix = suffixes.first { archive.hasSuffix($0) } ?? ""
        var temporary = archive + ".partial-\(getpid())" + suffix
        if let relative = ProjectPath.inside(archive, directory: directory) {
            excluded.append(relative)
            let parent = (directory as NSString).deletingLastPathComponent
            temporary = parent + "/." + (archive as NSString).lastPathComponent + ".partial-\(getpid())" + suffix
        }
        let status = Tar.create(
            archive: temporary, parent: (directory as NSString).deletingLastPathComponent, member: name,
            exactExcludes: excluded.map { name + "/" + $0 }, anchoredPatterns: imagePatterns, patterns: excludes)
        guard status == 0 else {
            unlink(temporary)
            return 1
        }
        guard rename(temporary, archive) == 0 else {
            let reason = String(cString: strerror(errno))
            Terminal.err("mini-compose: error: cannot rename \(temporary) to \(archive): \(reason)\n")
            unlink(temporary)
            return 1
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int) ?? 0
        Terminal.out("packed \(directory) into \(archive) (\(ByteCount.text(size)))\n")
        Terminal.out("on the other side: mini-compose unpack \((archive as NSString).lastPathComponent)\n")
        return 0
    }

    /// Files the project reads that the archive of its directory would not hold.
    static func outsideReferences(_ project: ComposeProject, directory: String) -> [String] {
        var paths = project.composeFiles
        for service in project.services.values.sorted(by: { $0.name < $1.name }) {
            paths += service.envFiles.map(\.path)
            if let build = service.build { paths.append(build.context) }
            paths += service.volumes.filter { $0.type == .bind }.compactMap(\.source)
        }
        var seen: Set<String> = []
        return paths.filter { path in
            let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory)).standardizedFileURL
                .path
            return ProjectPath.inside(absolute, directory: directory) == nil && seen.insert(absolute).inserted
        }
    }

    /// Says which services have a saved image in the working directory and warns about the others.
    static func reportImages(_ project: ComposeProject, workingDirectory: String) {
        for service in project.services.values.sorted(by: { $0.name < $1.name }) {
            let image = service.imageName(project: project.name)
            let files = [ImageFiles.sif(image, in: workingDirectory), ImageFiles.archive(image, in: workingDirectory)]
            if let saved = files.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                Terminal.out(
                    "service \(service.name): image \(image) saved as \((saved as NSString).lastPathComponent)\n")
            } else {
                Terminal.err(
                    "mini-compose: warning: service \(service.name): image \(image) is not saved in "
                        + "\(workingDirectory) (run mini-compose up --runtime docker --save-images first); "
                        + "Apptainer would pull docker://\(image)\n")
            }
        }
    }
}

/// Paths relative to the project directory.
enum ProjectPath {
    /// `path` relative to `directory` when it lies inside it ("" for the directory itself), else nil.
    static func inside(_ path: String, directory: String) -> String? {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        if path == directory { return "" }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }
}

/// The system `tar`, always with an argument array. GNU tar is assumed (Debian, RHEL and every cluster have it).
enum Tar {
    /// Archives `parent/member` as `member/...`, leaving out `exactExcludes` (member names taken literally),
    /// `anchoredPatterns` (wildcards matched from the start of a name) and `patterns` (wildcards matched at any
    /// directory level). Compression follows the archive's suffix. Returns 0, or 1 after printing why not.
    static func create(
        archive: String, parent: String, member: String, exactExcludes: [String], anchoredPatterns: [String],
        patterns: [String]
    ) -> Int32 {
        var arguments = ["--create", "--file", archive, "--auto-compress", "--directory", parent]
        // Matching options apply to the --exclude options after them.
        arguments += ["--anchored", "--no-wildcards"] + exactExcludes.map { "--exclude=" + $0 }
        arguments += ["--wildcards"] + anchoredPatterns.map { "--exclude=" + $0 }
        arguments += ["--no-anchored"] + patterns.map { "--exclude=" + $0 }
        arguments += ["--", member]
        return run(arguments)
    }

    /// Extracts `archive` into `directory`, files owned by the user who runs it.
    static func extract(archive: String, into directory: String) -> Int32 {
        run(["--extract", "--file", archive, "--directory", directory, "--no-same-owner", "--delay-directory-restore"])
    }

    private static func run(_ arguments: [String]) -> Int32 {
        let command = Command("tar", arguments)
        do {
            let result = try ProcessRunner().runBlocking(command, options: RunOptions(outputLimit: 64 << 10))
            Terminal.err(result.stderrText)
            guard result.status.isSuccess else {
                Terminal.err("mini-compose: error: \(command) failed: \(result.status)\n")
                return 1
            }
            return 0
        } catch {
            Terminal.err("mini-compose: error: cannot run tar: \(error)\n")
            return 1
        }
    }
}

/// Sizes for people: 1.5 GB, 320 MB.
enum ByteCount {
    static func text(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}
