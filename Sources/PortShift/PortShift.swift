/// The PortShift protocol's default server port.
public let defaultOffsetServerPort: UInt16 = 25000
