import Glibc

/// The hosts file bound at `/etc/hosts` in every container: localhost, then every service name (and its
/// container name and hostname) mapped to HOST_IP, so services reach each other by name on the host network.
public enum HostsFile {
    public static func render(project: ComposeProject, hostIP: String, containerNames: [String: String]) -> String {
        var lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
        for name in project.serviceNames {
            var aliases = [name]
            if let container = containerNames[name], container != name { aliases.append(container) }
            if let hostname = project.services[name]?.hostname, !aliases.contains(hostname) { aliases.append(hostname) }
            lines.append("\(hostIP)\t\(aliases.joined(separator: " "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// True for an IPv4 or IPv6 literal, which is all the hosts file may map names to.
    public static func isIPAddress(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return text.withCString { name in
            inet_pton(AF_INET, name, &buffer) == 1 || inet_pton(AF_INET6, name, &buffer) == 1
        }
    }

    /// True for an address in 127.0.0.0/8 or ::1, which inside a container on a bridge network is the container.
    public static func isLoopback(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return text.withCString { name in
            if inet_pton(AF_INET, name, &buffer) == 1 { return buffer[0] == 127 }
            return inet_pton(AF_INET6, name, &buffer) == 1 && buffer[..<15].allSatisfy { $0 == 0 } && buffer[15] == 1
        }
    }
}
