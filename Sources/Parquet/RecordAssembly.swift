import JSON

/// Rebuilds nested rows from leaf columns (Dremel record assembly), shaped as pyarrow's `to_pylist`:
/// structs become objects, LIST groups arrays, MAP groups arrays of {key, value}, nulls null.
struct RecordAssembly {
    /// The rows of one row group for the top-level fields `fields`, given each leaf's decoded data.
    static func rows(fields: [SchemaNode], columns: [Int: ColumnData], rowCount: Int) throws -> [JSONValue] {
        let levels = columns.values.map(\.definitions.count).max() ?? 0
        guard rowCount >= 0, rowCount <= max(levels, 0) || (columns.isEmpty && rowCount <= 1 << 24) else {
            throw DecodeError(message: "the row group claims \(rowCount) rows, its columns hold \(levels) entries")
        }
        var rows = [JSONObject](repeating: JSONObject(), count: rowCount)
        for field in fields {
            var merged = [JSONValue?](repeating: nil, count: rowCount)
            for leaf in field.leaves {
                guard let index = leaf.leafIndex, let data = columns[index] else { continue }
                let perRow = try raw(leaf: leaf, field: field, data: data, rowCount: rowCount)
                for r in 0..<rowCount { merged[r] = merged[r].map { merge($0, perRow[r]) } ?? perRow[r] }
            }
            for r in 0..<rowCount { rows[r][field.name] = convert(merged[r] ?? .null, field) }
        }
        return rows.map(JSONValue.object)
    }

    /// One leaf's contribution to each row: the path from the top-level field down to the leaf, every
    /// group an object with one key and every repeated node an array.
    static func raw(leaf: SchemaNode, field: SchemaNode, data: ColumnData, rowCount: Int) throws -> [JSONValue] {
        let chain = field.chain(to: leaf.path.dropFirst())
        var builder = Builder(chain: chain, data: data)
        var result: [JSONValue] = []
        result.reserveCapacity(rowCount)
        var start = 0
        let count = data.definitions.count
        while start < count {
            var end = start + 1
            while end < count && data.repetitions[end] != 0 { end += 1 }
            result.append(try builder.build(0, start, end))
            start = end
        }
        guard result.count == rowCount else {
            throw DecodeError(message: "column \(leaf.path.joined(separator: ".")) has \(result.count) rows, the row group \(rowCount)")
        }
        guard builder.nextValue == data.values.count else {
            throw DecodeError(message: "column \(leaf.path.joined(separator: ".")) has \(data.values.count) values for \(builder.nextValue) defined entries")
        }
        return result
    }

    struct Builder {
        let chain: [SchemaNode]
        let data: ColumnData
        var nextValue = 0

        /// The value of node `i` for entries lo..<hi, which all belong to one instance of its parent.
        mutating func build(_ i: Int, _ lo: Int, _ hi: Int) throws -> JSONValue {
            let node = chain[i]
            let def = Int(data.definitions[lo])
            if node.repetition == .repeated {
                if def < node.maxDefinition { return .array([]) }
                var items: [JSONValue] = []
                var start = lo
                for k in (lo + 1)..<max(lo + 1, hi) where Int(data.repetitions[k]) <= node.maxRepetition {
                    items.append(try element(i, start, k))
                    start = k
                }
                items.append(try element(i, start, hi))
                return .array(items)
            }
            if node.repetition == .optional && def < node.maxDefinition { return .null }
            return try element(i, lo, hi)
        }

        private mutating func element(_ i: Int, _ lo: Int, _ hi: Int) throws -> JSONValue {
            if i == chain.count - 1 {
                guard nextValue < data.values.count else { throw DecodeError(message: "fewer values than defined entries") }
                defer { nextValue += 1 }
                return data.values[nextValue]
            }
            var object = JSONObject()
            object.appendUnchecked(chain[i + 1].name, try build(i + 1, lo, hi))
            return .object(object)
        }
    }

    /// Merges two leaves' contributions to the same row: objects key by key, arrays item by item.
    static func merge(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        switch (a, b) {
        case (.object(var x), .object(let y)):
            for (key, value) in zip(y.keys, y.values) { x[key] = x[key].map { merge($0, value) } ?? value }
            return .object(x)
        case (.array(let x), .array(let y)) where x.count == y.count:
            return .array(zip(x, y).map(merge))
        default:
            return a
        }
    }

    /// Applies LIST and MAP annotations to a node's raw value.
    static func convert(_ value: JSONValue, _ node: SchemaNode) -> JSONValue {
        if node.repetition == .repeated, case .array(let items) = value {
            return .array(items.map { convertInstance($0, node) })
        }
        return convertInstance(value, node)
    }

    private static func convertInstance(_ value: JSONValue, _ node: SchemaNode) -> JSONValue {
        guard !node.isLeaf, case .object(let object) = value else { return value }
        if node.element.logical == .list || node.element.logical == .map, node.children.count == 1 {
            let repeated = node.children[0]
            guard case .array(let items)? = object[repeated.name] else { return .array([]) }
            let unwrapped = node.element.logical == .list && repeated.children.count == 1 && !repeated.isLeaf
                && repeated.name != "array" && repeated.name != node.name + "_tuple"
            return .array(items.map { item in
                if unwrapped, case .object(let o) = item { return convert(o[repeated.children[0].name] ?? .null, repeated.children[0]) }
                return convertInstance(item, repeated)
            })
        }
        var out = JSONObject()
        for child in node.children {
            out[child.name] = convert(object[child.name] ?? .null, child)
        }
        return .object(out)
    }
}
