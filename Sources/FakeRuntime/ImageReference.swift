/// An image name as users write it (`alpine`, `repo/app:1.2`, `docker.io/library/x:tag`), normalised for lookups.
struct ImageReference: Equatable {
    let repository: String
    let tag: String

    init(_ text: String) {
        var name = text
        var tag = "latest"
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tag = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        for prefix in ["docker.io/library/", "docker.io/", "index.docker.io/library/", "localhost/"]
        where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
            break
        }
        if name.hasPrefix("library/") { name = String(name.dropFirst("library/".count)) }
        repository = name
        self.tag = tag
    }

    /// `repository:tag`, the form stored in an image's tag list.
    var normalized: String { "\(repository):\(tag)" }
}
