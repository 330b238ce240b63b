import Testing

/// Every PortShift unit test, under one name so `swift test --filter PortShift` selects them.
@Suite enum PortShiftTests {}
