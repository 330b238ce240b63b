import Foundation

/// `ps` and `inspect` of the docker/podman face.
extension DockerContainerCommands {
    func ps(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .bool("-a", "--all"), .bool("-q", "--quiet"), .bool("--no-trunc"), .value("--format"),
                .value("-f", "--filter"), .bool("-s", "--size"), .value("-n", "--last"), .bool("-l", "--latest"),
            ],
            command: "ps", stopAtPositional: false)
        var records = store.all().filter { flags.has("--all") || $0.status == .running }
        for filter in flags.all("--filter") {
            let parts = filter.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw .invalidArgument("bad format of filter (expected name=value)", command: "ps")
            }
            records = records.filter { try! Self.matches($0, key: parts[0], value: parts[1]) }
        }
        let rows = records.map { ContainerView.psRow($0, noTrunc: flags.has("--no-trunc")) }
        if flags.has("--quiet") {
            for row in rows { Output.line(row["ID"] as! String) }
        } else if let format = flags.last("--format"), format != "table" {
            if format == "json" {
                for row in rows { Output.line(GoTemplate.json(row)) }
            } else {
                let template = format.hasPrefix("table ") ? String(format.dropFirst(6)) : format
                for row in rows { Output.line(try GoTemplate.render(template, row)) }
            }
        } else {
            let columns = ["ID", "Image", "Command", "RunningFor", "Status", "Ports", "Names"]
            let headers = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
            Output.out(Table.render(headers: headers, rows: rows.map { row in columns.map { "\(row[$0]!)" } }))
        }
        return 0
    }

    static func matches(_ record: ContainerRecord, key: String, value: String) throws -> Bool {
        switch key {
        case "name":
            let pattern = value
            if pattern.hasPrefix("^") || pattern.hasSuffix("$") {
                return record.name.range(of: pattern, options: .regularExpression) != nil
            }
            return record.name.contains(pattern)
        case "id": return record.id.hasPrefix(value)
        case "status": return record.status.rawValue == value
        case "label":
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard let actual = record.labels[parts[0]] else { return false }
            return parts.count == 1 || actual == parts[1]
        case "ancestor": return record.image == value || record.imageID.hasPrefix(value)
        default: return true
        }
    }

    func inspect(_ arguments: [String], command: String) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-f", "--format"), .value("--type"), .bool("-s", "--size")], command: command,
            stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: command, expected: "at least 1 argument")
        }
        var objects: [Any] = []
        var missing: [String] = []
        for name in flags.positionals {
            let type = flags.last("--type")
            if type != "image", let record = store.find(name) {
                objects.append(ContainerView.inspect(record, face: face))
            } else if type != "container", let image = invocation.images.find(name) {
                objects.append(DockerImageCommands.inspectObject(image))
            } else {
                missing.append(name)
            }
        }
        if let format = flags.last("--format") {
            for object in objects { Output.line(try GoTemplate.render(format, object)) }
        } else {
            Output.line(Self.prettyJSON(objects))
        }
        if let first = missing.first {
            for name in missing.dropFirst() { Output.errLine(FakeError.noSuchObject(name).rendered(for: face).text) }
            throw .noSuchObject(first)
        }
        return 0
    }

    static func prettyJSON(_ value: Any) -> String {
        if let list = value as? [Any], list.isEmpty { return "[]" }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
