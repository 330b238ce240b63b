import Synchronization
import SystemKit

/// Answers protocol lines against the offset table, saving the table after every change. Safe from any thread.
public final class OffsetService: Sendable {
    private let table: Mutex<OffsetTable>
    private let stateFile: OffsetStateFile?
    private let logger: Logger

    /// Loads the state file, if any, so earlier assignments are handed out again, and writes it back at once so
    /// an unwritable location is refused now rather than at the first new group.
    public init(layout: OffsetLayout, stateFile: String?, logger: Logger) throws(StateFileError) {
        let file = stateFile.map(OffsetStateFile.init(path:))
        let loaded = try file?.load(layout: layout) ?? OffsetTable(layout: layout)
        try file?.save(loaded)
        self.table = Mutex(loaded)
        self.stateFile = file
        self.logger = logger
        for (group, offset) in loaded.assignments {
            logger.info("offset restored", ["group": group, "offset": String(offset)])
        }
    }

    /// The current assignments.
    public var assignments: [String: Int] {
        table.withLock { table in
            var result: [String: Int] = [:]
            for (group, offset) in table.assignments { result[group] = offset }
            return result
        }
    }

    /// The reply to one request line (without its newline), newline included.
    public func respond(to line: Substring) -> String {
        switch OffsetRequest.parse(line) {
        case .failure(let error):
            logger.debug("request refused", ["reason": error.reason])
            return "ERR \(error.reason)\n"
        case .success(let request):
            switch perform(request) {
            case .success(let reply): return reply
            case .failure(let error): return "ERR \(error.reason)\n"
            }
        }
    }

    func perform(_ request: OffsetRequest) -> Result<String, OffsetProtocolError> {
        table.withLock { table in
            switch request {
            case .offset(let group):
                let previous = table
                switch table.assign(group) {
                case .failure(let error):
                    logger.warning("offset refused", ["group": group, "reason": error.reason])
                    return .failure(error)
                case .success(let (offset, isNew)):
                    if isNew {
                        if let failure = save(table) {
                            table = previous
                            return .failure(failure)
                        }
                        logger.info("offset assigned", ["group": group, "offset": String(offset)])
                    } else if logger.isEnabled(.debug) {
                        logger.debug("offset reused", ["group": group, "offset": String(offset)])
                    }
                    return .success("\(offset)\n")
                }
            case .release(let group):
                let previous = table
                guard let offset = table.release(group) else {
                    logger.debug("release of unknown group", ["group": group])
                    return .success("OK\n")
                }
                if let failure = save(table) {
                    table = previous
                    return .failure(failure)
                }
                logger.info("offset released", ["group": group, "offset": String(offset)])
                return .success("OK\n")
            case .list:
                var reply = ""
                for (group, offset) in table.assignments { reply += "\(group) \(offset)\n" }
                return .success(reply + ".\n")
            }
        }
    }

    private func save(_ table: OffsetTable) -> OffsetProtocolError? {
        guard let stateFile else { return nil }
        do {
            try stateFile.save(table)
            return nil
        } catch {
            logger.error("state file not written", ["path": error.path, "reason": error.problem])
            return .stateNotSaved(error.problem)
        }
    }
}
