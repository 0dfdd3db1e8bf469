import JSON

/// Rebuilds nested rows from leaf columns (Dremel record assembly) in one pass, shaped as pyarrow's
/// `to_pylist`: structs become objects, LIST groups arrays, MAP groups arrays of {key, value}, nulls null.
///
/// Every leaf has a cursor into its entries. A row is read by walking the schema once: a leaf takes its
/// next entry; an optional group whose first leaf is not defined that deep is null (each leaf under it
/// then has exactly one entry, skipped); a repeated node takes instances while its first leaf's next
/// entry repeats at the node's level.
struct RecordAssembly {
    // Per leaf column index (empty for columns not read).
    private let definitions: [[UInt16]]
    private let repetitions: [[UInt16]]
    private let values: [[JSONValue]]
    private var cursor: [Int]
    private var nextValue: [Int]

    private init(columns: [Int: ColumnData]) {
        let count = (columns.keys.max() ?? -1) + 1
        var definitions = [[UInt16]](repeating: [], count: count)
        var repetitions = [[UInt16]](repeating: [], count: count)
        var values = [[JSONValue]](repeating: [], count: count)
        for (index, data) in columns {
            definitions[index] = data.definitions
            repetitions[index] = data.repetitions
            values[index] = data.values
        }
        self.definitions = definitions
        self.repetitions = repetitions
        self.values = values
        cursor = Array(repeating: 0, count: count)
        nextValue = Array(repeating: 0, count: count)
    }

    /// The rows of one row group for the top-level fields `fields`, given each leaf's decoded data.
    static func rows(fields: [SchemaNode], columns: [Int: ColumnData], rowCount: Int) throws -> [JSONValue] {
        let levels = columns.values.map(\.definitions.count).max() ?? 0
        guard rowCount >= 0, rowCount <= levels || (columns.isEmpty && rowCount <= 1 << 24) else {
            throw DecodeError(message: "the row group claims \(rowCount) rows, its columns hold \(levels) entries")
        }
        var assembly = RecordAssembly(columns: columns)
        var rows: [JSONValue] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            var row = JSONObject(capacity: fields.count)
            for field in fields { row.appendUnchecked(field.name, try assembly.value(field)) }
            rows.append(.object(row))
        }
        for (leaf, data) in columns where assembly.cursor[leaf] != data.definitions.count || assembly.nextValue[leaf] != data.values.count {
            throw DecodeError(message: "column \(leaf) holds \(data.definitions.count) entries and \(data.values.count) values; the rows used \(assembly.cursor[leaf]) and \(assembly.nextValue[leaf])")
        }
        return rows
    }

    /// A node's value in the current row, its own repetition included.
    private mutating func value(_ node: SchemaNode) throws -> JSONValue {
        switch node.repetition {
        case .repeated:
            return .array(try instances(node, unwrapping: nil))
        case .optional:
            if try definition(at: node) < node.maxDefinition {
                try skipOne(node)
                return .null
            }
            return try content(node)
        case .required:
            return try content(node)
        }
    }

    /// A present node's value.
    private mutating func content(_ node: SchemaNode) throws -> JSONValue {
        if node.isLeaf { return try take(node) }
        if node.element.logical == .list || node.element.logical == .map, node.children.count == 1, node.children[0].repetition == .repeated {
            let repeated = node.children[0]
            // Three-level lists wrap each element in a one-field group; legacy two-level lists do not.
            let wrapped = node.element.logical == .list && !repeated.isLeaf && repeated.children.count == 1
                && repeated.name != "array" && repeated.name != node.name + "_tuple"
            return .array(try instances(repeated, unwrapping: wrapped ? repeated.children[0] : nil))
        }
        var object = JSONObject(capacity: node.children.count)
        for child in node.children { object.appendUnchecked(child.name, try value(child)) }
        return .object(object)
    }

    /// The instances of a repeated node in the current position (each one's content, or the value of
    /// its only child when `unwrapping` names it).
    private mutating func instances(_ node: SchemaNode, unwrapping element: SchemaNode?) throws -> [JSONValue] {
        if try definition(at: node) < node.maxDefinition {
            try skipOne(node)
            return []
        }
        guard let first = node.firstLeaf, first < cursor.count else { throw DecodeError(message: "a repeated group without columns") }
        var items: [JSONValue] = []
        repeat {
            items.append(try element.map { try value($0) } ?? content(node))
        } while cursor[first] < definitions[first].count && Int(repetitions[first][cursor[first]]) == node.maxRepetition
        return items
    }

    /// The definition level of the next entry of the node's first leaf.
    private func definition(at node: SchemaNode) throws -> Int {
        guard let first = node.firstLeaf, first < cursor.count else { throw DecodeError(message: "a group without columns") }
        let c = cursor[first]
        guard c < definitions[first].count else { throw DecodeError(message: "a column ends before the row group's rows do") }
        return Int(definitions[first][c])
    }

    /// Takes a leaf's next entry: its value when defined to the leaf, else null.
    private mutating func take(_ leaf: SchemaNode) throws -> JSONValue {
        guard let index = leaf.leafIndex, index < cursor.count else { throw DecodeError(message: "a leaf without data") }
        let c = cursor[index]
        guard c < definitions[index].count else { throw DecodeError(message: "column \(leaf.path.joined(separator: ".")) ends before the row group's rows do") }
        cursor[index] = c + 1
        guard Int(definitions[index][c]) == leaf.maxDefinition else { return .null }
        let v = nextValue[index]
        guard v < values[index].count else { throw DecodeError(message: "column \(leaf.path.joined(separator: ".")) has fewer values than defined entries") }
        nextValue[index] = v + 1
        return values[index][v]
    }

    /// Skips a null or empty node: each leaf under it has exactly one entry there.
    private mutating func skipOne(_ node: SchemaNode) throws {
        for index in node.leafIndices {
            guard index < cursor.count, cursor[index] < definitions[index].count else {
                throw DecodeError(message: "a column ends before the row group's rows do")
            }
            cursor[index] += 1
        }
    }
}
