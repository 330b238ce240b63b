/// Decides between the JSON and the text rendering of a response from the request's `Accept` header.
enum ContentNegotiation {
    /// True when `Accept` lists `application/json` (or a `+json` type) with a non-zero quality.
    static func prefersJSON(accept: String?) -> Bool {
        guard let accept, accept.utf8.count >= 4 else { return false }
        // What API clients send; the general parse below allocates for every range.
        if accept == "application/json" { return true }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";")
            guard let type = parts.first?.trimmingSpaces().lowercased() else { continue }
            guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
                continue
            }
            let refused = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
                return pair.count == 2 && pair[0].lowercased() == "q" && (Double(pair[1]) ?? 1) == 0
            }
            if !refused { return true }
        }
        return false
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var trimmed = self
        while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
        return trimmed
    }
}
