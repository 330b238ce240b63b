/// Names that end up in runtime commands, container names and file paths.
public enum NameRules {
    public static let serviceNameRule = "letters, digits, _, . and -, starting with a letter or digit"
    public static let containerNameRule = "letters, digits, _, . and -, starting with a letter or digit"
    public static let projectNameRule = "lower-case letters, digits, _ and -, starting with a letter or digit"

    /// Compose's rule for service names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
    public static func isServiceName(_ name: String) -> Bool { isDockerName(name) }

    public static func isContainerName(_ name: String) -> Bool { isDockerName(name) }

    /// `[a-z0-9][a-z0-9_-]*`, as Compose requires of project names.
    public static func isProjectName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLowerAlphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLowerAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }

    /// Lower-cases a directory name and drops what a project name cannot hold, as Compose does.
    public static func projectName(fromDirectory name: String) -> String {
        let kept = name.lowercased().unicodeScalars.filter { isLowerAlphanumeric($0) || $0 == "_" || $0 == "-" }
        return String(String.UnicodeScalarView(kept.drop { !isLowerAlphanumeric($0) }))
    }

    private static func isDockerName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isAlphanumeric(first), name.unicodeScalars.count <= 255 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    private static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    private static func isLowerAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c)
    }
}
