import CMicroHTTPD
import Synchronization

/// One request in flight between the polling thread and its handler task.
///
/// The polling thread starts the handler, then either finds its response already there (a handler that
/// finished without suspending: sent at once) or suspends the connection. Whoever first moves the state
/// out of `.running`/`.suspended` (the handler finishing, or shutdown giving up on it) stores the response,
/// and resumes the connection if it was suspended, so each suspended connection is resumed exactly once.
final class Exchange: @unchecked Sendable {
    enum State {
        case receiving
        /// The handler runs and the connection is not suspended.
        case running
        /// The handler runs and the connection is suspended.
        case suspended
        case ready(RenderedResponse)
        case sent
    }

    let serial: UInt64
    let connection: OpaquePointer
    /// Touched only on the polling thread, while the body arrives.
    var body: [UInt8] = []
    var oversized = false
    private let state = Mutex<State>(.receiving)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(serial: UInt64, connection: OpaquePointer) {
        self.serial = serial
        self.connection = connection
    }

    /// When the handler started; set once, before the exchange is shared with the handler.
    private(set) var handlingSince = ContinuousClock.now

    /// Marks the handler as started, before its task exists.
    func beginHandling() {
        handlingSince = ContinuousClock.now
        state.withLock { $0 = .running }
    }

    /// After starting the handler: its response if it already finished, else suspends the connection
    /// until it does. Called on the polling thread, inside the access callback.
    func responseOrSuspend() -> RenderedResponse? {
        state.withLock { state in
            switch state {
            case .ready(let response):
                state = .sent
                return response
            case .running:
                MHD_suspend_connection(connection)
                state = .suspended
                return nil
            case .receiving, .suspended, .sent:
                preconditionFailure("handler started twice for one request")
            }
        }
    }

    func attach(_ handle: Task<Void, Never>) { task.withLock { $0 = handle } }

    /// Stores the response and resumes the connection, unless someone already did; true if this call did.
    @discardableResult
    func finish(with response: RenderedResponse) -> Bool {
        state.withLock { state in
            switch state {
            case .running:
                state = .ready(response)
                return true
            case .suspended:
                state = .ready(response)
                MHD_resume_connection(connection)
                return true
            case .receiving, .ready, .sent:
                return false
            }
        }
    }

    /// Answers in the handler's place and asks the handler to stop.
    func abandon(with response: RenderedResponse) {
        if finish(with: response) { task.withLock { $0?.cancel() } }
    }

    /// The response waiting to be queued after a resume, taken once.
    func takeResponse() -> RenderedResponse? {
        state.withLock { state in
            guard case .ready(let response) = state else { return nil }
            state = .sent
            return response
        }
    }
}
