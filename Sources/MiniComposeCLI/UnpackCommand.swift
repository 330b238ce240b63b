import Foundation
import MiniCompose

/// `mini-compose unpack`: the other end of `pack`.
struct UnpackCommand {
    static let summary = "unpack an archive made by pack into a project directory"
    static let help = """
        Usage: mini-compose unpack ARCHIVE [-C DIR] [--force]

        Unpacks an archive made by mini-compose pack into DIR/<project directory> (DIR: the current directory
        by default) and lists the images it brought. The archive is first unpacked beside its destination
        and moved into place once complete, so an interrupted unpack leaves nothing half-written. An archive
        must hold exactly one top-level directory; tar drops absolute names and names that climb out with
        "..". Files are owned by the user who unpacks them.

          -C, --directory DIR  where to unpack (default: the current directory)
              --force          unpack over an existing project directory, replacing the files the archive holds
        """

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        let parent = try arguments.value("-C", "--directory") ?? FileManager.default.currentDirectoryPath
        let force = arguments.flag("--force")
        let words = try arguments.positionals()
        guard words.count == 1, let archiveArgument = words.first else {
            throw UsageError(message: "unpack takes exactly one ARCHIVE")
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let archive = URL(fileURLWithPath: archiveArgument, relativeTo: cwd).standardizedFileURL.path
        let destination = URL(fileURLWithPath: parent, relativeTo: cwd).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: archive, isDirectory: &isDirectory), !isDirectory.boolValue else {
            Terminal.err("mini-compose: error: \(archive): no such archive\n")
            return 1
        }
        guard FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            Terminal.err("mini-compose: error: \(destination): no such directory\n")
            return 1
        }
        let staging = destination + "/.mini-compose-unpack-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            Terminal.err("mini-compose: error: cannot create \(staging): \(error.localizedDescription)\n")
            return 1
        }
        guard Tar.extract(archive: archive, into: staging) == 0 else { return 1 }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
        guard entries.count == 1, let top = entries.first,
            FileManager.default.fileExists(atPath: staging + "/" + top, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            Terminal.err(
                "mini-compose: error: \(archive) must hold one top-level directory (as mini-compose pack makes), "
                    + "not \(entries.sorted().joined(separator: ", "))\n")
            return 1
        }
        let target = destination + "/" + top
        if FileManager.default.fileExists(atPath: target) {
            guard force else {
                Terminal.err("mini-compose: error: \(target) already exists; use --force to unpack over it\n")
                return 1
            }
            guard Tar.extract(archive: archive, into: destination) == 0 else { return 1 }
        } else if rename(staging + "/" + top, target) != 0 {
            let reason = String(cString: strerror(errno))
            Terminal.err("mini-compose: error: cannot move the unpacked files to \(target): \(reason)\n")
            return 1
        }
        Terminal.out("unpacked \((archive as NSString).lastPathComponent) into \(target)\n")
        for image in savedImages(in: target) {
            Terminal.out("image \(image)\n")
        }
        Terminal.out("next: cd \(target) && mini-compose up (or mini-compose serve HOST_IP)\n")
        return 0
    }

    /// The saved images (`*.tar`, `*.sif`) under the project's `working_dir`, relative to the project.
    static func savedImages(in project: String) -> [String] {
        let directory = project + "/working_dir"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".tar") || $0.hasSuffix(".sif") }.sorted().map { "working_dir/" + $0 }
    }
}
