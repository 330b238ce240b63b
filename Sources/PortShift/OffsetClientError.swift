/// Why an offset request did not produce an answer.
public enum OffsetClientError: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String, SocketAddressError)
    case invalidGroupName(String)
    /// The server could not be reached (refused, no route, ...).
    case unreachable(SocketError)
    /// No complete answer within the timeout.
    case timedOut(String)
    /// The server closed the connection before answering.
    case connectionClosed(String)
    /// The server answered `ERR <reason>`.
    case serverRefused(String)
    case malformedReply(String)

    public var description: String {
        switch self {
        case .invalidAddress(let text, let error): "invalid offset server address: \(error) (given '\(text)')"
        case .invalidGroupName(let group):
            "invalid group name '\(group)': expected 1 to 64 of A-Z a-z 0-9 . _ -"
        case .unreachable(let error): "offset server unreachable: \(error)"
        case .timedOut(let address): "offset server \(address) did not answer in time"
        case .connectionClosed(let address): "offset server \(address) closed the connection without answering"
        case .serverRefused(let reason): "offset server refused: \(reason)"
        case .malformedReply(let reply): "offset server sent an unexpected reply: '\(reply)'"
        }
    }
}
