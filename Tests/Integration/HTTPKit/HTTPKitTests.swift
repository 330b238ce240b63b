import Testing

/// Groups the HTTP layer's integration suites, so `swift test --filter HTTPKit` selects them.
@Suite enum HTTPKitTests {}
