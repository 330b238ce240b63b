/// Collects a stream's bytes, keeping only the last `limit` of them.
struct TailBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var truncated = false

    init(limit: Int) { self.limit = max(0, limit) }

    mutating func append(_ chunk: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: chunk)
        let overflow = bytes.count - limit
        if overflow > 0 {
            bytes.removeFirst(overflow)
            truncated = true
        }
    }
}
