/// Bytes received on one connection, cut into request lines of bounded length.
struct LineBuffer {
    let limit: Int
    private var pending: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    enum Next: Equatable {
        case line(Substring)
        case needMore
        /// More than `limit` bytes arrived without a newline.
        case tooLong
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) { pending.append(contentsOf: bytes) }

    /// At end of stream: what is left without a newline, as a last line (nil if nothing is left).
    mutating func finish() -> Substring? {
        guard !pending.isEmpty, pending.count < limit else { return nil }
        defer { pending = [] }
        return Substring(String(decoding: pending, as: UTF8.self))
    }

    /// The next complete line, without its newline.
    mutating func next() -> Next {
        guard let newline = pending.firstIndex(of: 0x0A) else {
            return pending.count >= limit ? .tooLong : .needMore
        }
        if newline >= limit { return .tooLong }
        let line = String(decoding: pending[0..<newline], as: UTF8.self)
        pending.removeSubrange(0...newline)
        return .line(Substring(line))
    }
}
