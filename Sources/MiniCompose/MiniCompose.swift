/// The version reported by `mini-compose --version`.
public let miniComposeVersion = "0.1.0"
