/// Hides values whose names look secret, for logs and for settings echoed back to clients.
public enum SecretMasking {
    public static let mask = "********"

    /// Name fragments that mark a value as secret, matched case-insensitively anywhere in the name.
    public static let markers = [
        "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "COOKIE",
        "SESSION", "SIGNATURE",
    ]

    public static func looksSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return markers.contains { upper.contains($0) }
    }

    /// The value, or the mask when the name looks secret (an empty value stays empty, as it reveals nothing).
    public static func masked(_ value: String, name: String) -> String {
        looksSecret(name) && !value.isEmpty ? mask : value
    }

    /// The settings with every secret-looking value masked, keys unchanged.
    public static func masked(_ settings: [String: String]) -> [String: String] {
        settings.reduce(into: [:]) { result, entry in result[entry.key] = masked(entry.value, name: entry.key) }
    }
}
