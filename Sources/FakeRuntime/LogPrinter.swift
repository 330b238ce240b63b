import Foundation
import Glibc

/// Prints a container's captured output: stdout to stdout and stderr to stderr, as `docker logs` does.
struct LogPrinter {
    let stdoutPath: String
    let stderrPath: String

    /// Prints the logs so far (the last `tail` lines of each) and returns how far it read in each file.
    @discardableResult
    func print(tail: Int?) -> [UInt64] {
        var offsets: [UInt64] = []
        for (path, handle) in [(stdoutPath, FileHandle.standardOutput), (stderrPath, FileHandle.standardError)] {
            guard var data = FileManager.default.contents(atPath: path) else {
                offsets.append(0)
                continue
            }
            offsets.append(UInt64(data.count))
            if let tail {
                let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                let complete = data.last == UInt8(ascii: "\n") ? lines.dropLast() : lines[...]
                data = Data(complete.suffix(tail).joined(separator: [UInt8(ascii: "\n")]))
                if !data.isEmpty { data.append(UInt8(ascii: "\n")) }
            }
            handle.write(data)
        }
        return offsets
    }

    /// Prints what the logs hold beyond `offsets` (stdout, stderr) until `running` turns false.
    func follow(from offsets: [UInt64] = [0, 0], interval: UInt32 = 100_000, while running: () -> Bool) {
        var offsets = offsets
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
