/// Group names (APP_GRP values) the protocol accepts: `[A-Za-z0-9._-]{1,64}`.
public enum GroupName {
    public static let maximumLength = 64

    public static func isValid(_ name: Substring) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumLength else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    public static func isValid(_ name: String) -> Bool { isValid(Substring(name)) }
}
