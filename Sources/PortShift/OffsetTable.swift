/// The group → offset assignments: same group, same offset; distinct groups, disjoint windows; freed slots reused.
public struct OffsetTable: Equatable, Sendable {
    public let layout: OffsetLayout
    /// Slot index → group; slot `i` has offset `layout.firstOffset + i * layout.window`.
    private var slots: [String?]
    private var slotOfGroup: [String: Int] = [:]

    public init(layout: OffsetLayout) {
        self.layout = layout
        slots = Array(repeating: nil, count: layout.maxGroups)
    }

    public var count: Int { slotOfGroup.count }

    public func offset(of group: String) -> Int? { slotOfGroup[group].map(layout.offset(ofSlot:)) }

    /// The group's offset, assigning the lowest free one if it has none. `isNew` tells whether it was assigned now.
    public mutating func assign(_ group: String) -> Result<(offset: Int, isNew: Bool), OffsetProtocolError> {
        if let slot = slotOfGroup[group] { return .success((layout.offset(ofSlot: slot), false)) }
        guard let free = slots.firstIndex(where: { $0 == nil }) else {
            return .failure(.tableFull(groups: layout.maxGroups))
        }
        slots[free] = group
        slotOfGroup[group] = free
        return .success((layout.offset(ofSlot: free), true))
    }

    /// Frees the group's offset; returns the offset it had, nil if it had none.
    @discardableResult
    public mutating func release(_ group: String) -> Int? {
        guard let slot = slotOfGroup.removeValue(forKey: group) else { return nil }
        slots[slot] = nil
        return layout.offset(ofSlot: slot)
    }

    /// Restores an assignment read back from a state file; fails if the offset does not fit this layout.
    public mutating func restore(_ group: String, offset: Int) -> Bool {
        guard GroupName.isValid(group), let slot = layout.slot(ofOffset: offset), slots[slot] == nil,
            slotOfGroup[group] == nil
        else { return false }
        slots[slot] = group
        slotOfGroup[group] = slot
        return true
    }

    /// Every assignment, lowest offset first.
    public var assignments: [(group: String, offset: Int)] {
        slots.enumerated().compactMap { index, group in group.map { ($0, layout.offset(ofSlot: index)) } }
    }

    public static func == (lhs: OffsetTable, rhs: OffsetTable) -> Bool {
        lhs.layout == rhs.layout && lhs.slots == rhs.slots
    }
}

/// How offsets are laid out: `maxGroups` windows of `window` ports, the first at `firstOffset`.
public struct OffsetLayout: Equatable, Sendable {
    public var maxGroups: Int
    public var firstOffset: Int
    public var window: Int

    public init(maxGroups: Int = 100, firstOffset: Int = 100, window: Int = 100) {
        self.maxGroups = maxGroups
        self.firstOffset = firstOffset
        self.window = window
    }

    public var largestOffset: Int { firstOffset + (maxGroups - 1) * window }

    /// The highest port a program may use and still be shifted to a valid port in every group.
    public var highestSafePort: Int { 65535 - largestOffset }

    func offset(ofSlot slot: Int) -> Int { firstOffset + slot * window }

    func slot(ofOffset offset: Int) -> Int? {
        let distance = offset - firstOffset
        guard distance >= 0, distance % window == 0, distance / window < maxGroups else { return nil }
        return distance / window
    }
}
