/// One line of the offset protocol, parsed.
///
/// `LIST` and `RELEASE` are commands, so a group cannot be named `LIST`.
public enum OffsetRequest: Equatable, Sendable {
    case offset(group: String)
    case release(group: String)
    case list

    /// Parses one line without its newline (a trailing `\r` is tolerated for hand-typed input).
    public static func parse(_ line: Substring) -> Result<OffsetRequest, OffsetProtocolError> {
        var text = line
        if text.hasSuffix("\r") { text = text.dropLast() }
        if text == "LIST" { return .success(.list) }
        if text.hasPrefix("RELEASE ") {
            let group = text.dropFirst("RELEASE ".count)
            guard GroupName.isValid(group) else { return .failure(.invalidGroupName) }
            return .success(.release(group: String(group)))
        }
        if text.isEmpty { return .failure(.emptyRequest) }
        guard GroupName.isValid(text) else { return .failure(.invalidGroupName) }
        return .success(.offset(group: String(text)))
    }
}

/// Why a request got an `ERR` reply. `reason` is the text after `ERR `.
public enum OffsetProtocolError: Error, Equatable, Sendable {
    case emptyRequest
    case invalidGroupName
    case lineTooLong(limit: Int)
    case tableFull(groups: Int)
    case unknownGroup(String)
    case stateNotSaved(String)

    public var reason: String {
        switch self {
        case .emptyRequest: "empty request"
        case .invalidGroupName: "invalid group name (expected [A-Za-z0-9._-]{1,\(GroupName.maximumLength)})"
        case .lineTooLong(let limit): "line longer than \(limit) bytes"
        case .tableFull(let groups): "offset table full (\(groups) groups); release a group first"
        case .unknownGroup(let group): "unknown group \(group)"
        case .stateNotSaved(let detail): "state file not written: \(detail)"
        }
    }
}
