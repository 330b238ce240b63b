import Foundation

/// Writes a command's answer to standard output and its complaints to standard error, unbuffered.
enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String) { out(text + "\n") }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func errLine(_ text: String) { err(text + "\n") }

    /// Apptainer's informational lines, which go to standard error.
    static func info(_ text: String) { errLine("INFO:    \(text)") }
    static func warning(_ text: String) { errLine("WARNING: \(text)") }
}
