import Testing

/// Every PortShift integration test, under one name so `swift test --filter PortShift` selects them.
@Suite enum PortShiftTests {}
