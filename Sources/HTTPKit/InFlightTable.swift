/// The requests whose handler runs, and whether new handlers may still start. Both live under one lock so
/// that, once shutdown closes the table, no handler can start behind its back on a connection it would
/// then leave suspended (libmicrohttpd must not be stopped with a suspended connection).
struct InFlightTable: ~Copyable {
    private var exchanges: [UInt64: Exchange] = [:]
    private var closed = false

    var count: Int { exchanges.count }

    /// Registers a handler about to start; false once the table is closed.
    mutating func admit(_ exchange: Exchange) -> Bool {
        guard !closed else { return false }
        exchanges[exchange.serial] = exchange
        return true
    }

    mutating func remove(_ exchange: Exchange) { exchanges[exchange.serial] = nil }

    func started(before instant: ContinuousClock.Instant) -> [Exchange] {
        exchanges.values.filter { $0.handlingSince < instant }
    }

    /// Closes the table for good and hands back the handlers still running.
    mutating func close() -> [Exchange] {
        closed = true
        defer { exchanges.removeAll() }
        return Array(exchanges.values)
    }
}
