import PortShift
import Testing

extension PortShiftTests {
    @Suite struct OffsetTableTests {
        private func offset(_ table: inout OffsetTable, _ group: String) -> Int? {
            try? table.assign(group).get().offset
        }

        @Test func sameGroupAskingTwiceGetsTheSameOffset() {
            var table = OffsetTable(layout: OffsetLayout())
            #expect(offset(&table, "web") == 100)
            #expect(offset(&table, "web") == 100)
            #expect(table.count == 1)
        }

        @Test func distinctGroupsGetDisjointWindowsInOrder() {
            var table = OffsetTable(layout: OffsetLayout(maxGroups: 5, firstOffset: 1000, window: 50))
            let offsets = ["a", "b", "c"].map { offset(&table, $0) }
            #expect(offsets == [1000, 1050, 1100])
        }

        @Test func releasedOffsetIsHandedToTheNextNewGroup() {
            var table = OffsetTable(layout: OffsetLayout())
            _ = ["a", "b", "c"].map { offset(&table, $0) }
            let first = table.release("b")
            let second = table.release("b")
            #expect(first == 200)
            #expect(second == nil)
            #expect(offset(&table, "d") == 200)
            #expect(offset(&table, "e") == 400)
        }

        @Test func fullTableRefusesNewGroupsButServesKnownOnes() {
            var table = OffsetTable(layout: OffsetLayout(maxGroups: 2))
            _ = offset(&table, "a")
            _ = offset(&table, "b")
            #expect(throws: OffsetProtocolError.tableFull(groups: 2)) { try table.assign("c").get() }
            #expect(offset(&table, "a") == 100)
        }

        @Test func restoreAcceptsOnlyOffsetsOfTheLayout() {
            var table = OffsetTable(layout: OffsetLayout(maxGroups: 3))
            let restored = [
                table.restore("a", offset: 300),
                table.restore("b", offset: 300),  // offset already held
                table.restore("c", offset: 150),  // not a multiple of the window
                table.restore("d", offset: 400),  // beyond the last group
                table.restore("bad name", offset: 100),
            ]
            #expect(restored == [true, false, false, false, false])
            #expect(offset(&table, "e") == 100)
            #expect(table.assignments.map(\.group) == ["e", "a"])
        }

        @Test func layoutReportsTheHighestPortThatShiftsSafely() {
            #expect(OffsetLayout().largestOffset == 10000)
            #expect(OffsetLayout().highestSafePort == 55535)
        }
    }
}
