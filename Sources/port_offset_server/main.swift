import PortShift

print("port_offset_server \(defaultOffsetServerPort)")
