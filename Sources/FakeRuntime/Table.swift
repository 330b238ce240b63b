/// Column-aligned text as the real tools print tables: columns padded to their widest cell plus three spaces.
enum Table {
    static func render(headers: [String], rows: [[String]], gap: Int = 3) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let last = index == cells.count - 1
                text += last ? cell : cell.padding(toLength: widths[index] + gap, withPad: " ", startingAt: 0)
            }
            return text + "\n"
        }
        return ([line(headers)] + rows.map(line)).joined()
    }
}
