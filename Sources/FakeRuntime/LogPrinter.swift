import Foundation
import Glibc

/// Prints a container's captured output: stdout to stdout and stderr to stderr, as `docker logs` does.
struct LogPrinter {
    let stdoutPath: String
    let stderrPath: String

    func print(tail: Int?) {
        for (path, handle) in [(stdoutPath, FileHandle.standardOutput), (stderrPath, FileHandle.standardError)] {
            guard var data = FileManager.default.contents(atPath: path) else { continue }
            if let tail {
                let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                let complete = data.last == UInt8(ascii: "\n") ? lines.dropLast() : lines[...]
                data = Data(complete.suffix(tail).joined(separator: [UInt8(ascii: "\n")]))
                if !data.isEmpty { data.append(UInt8(ascii: "\n")) }
            }
            handle.write(data)
        }
    }

    /// Prints what is appended to the logs (or all of them, `fromStart`) until `running` turns false.
    func follow(fromStart: Bool = false, interval: UInt32 = 100_000, while running: () -> Bool) {
        var offsets = [stdoutPath, stderrPath].map { path in
            fromStart ? 0 : (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
        }
        var keepGoing = true
        while keepGoing {
            keepGoing = running()
            for (index, (path, handle)) in [
                (stdoutPath, FileHandle.standardOutput), (stderrPath, FileHandle.standardError),
            ]
            .enumerated() {
                guard let file = FileHandle(forReadingAtPath: path) else { continue }
                try? file.seek(toOffset: offsets[index])
                let data = file.readDataToEndOfFile()
                offsets[index] += UInt64(data.count)
                if !data.isEmpty { handle.write(data) }
                try? file.close()
            }
            if keepGoing { usleep(interval) }
        }
    }
}
