/// A node of a Parquet schema: a group (struct, list, map) or a leaf column.
public final class SchemaNode: @unchecked Sendable {
    public let element: SchemaElement
    public private(set) var children: [SchemaNode] = []
    /// Names from the root's child down to this node.
    public let path: [String]
    /// Definition and repetition levels at this node (counting it).
    public let maxDefinition: Int
    public let maxRepetition: Int
    /// The position among the leaf columns, for leaves.
    public fileprivate(set) var leafIndex: Int?

    init(element: SchemaElement, path: [String], maxDefinition: Int, maxRepetition: Int) {
        self.element = element
        self.path = path
        self.maxDefinition = maxDefinition
        self.maxRepetition = maxRepetition
    }

    public var name: String { element.name }
    public var isLeaf: Bool { element.numChildren == 0 && element.type != nil }
    public var repetition: Repetition { element.repetition ?? .required }

    /// The leaf column indices under this node, and the first of them (set when the tree is built).
    public fileprivate(set) var leafIndices: [Int] = []
    public var firstLeaf: Int? { leafIndices.first }

    /// All leaves under this node, in column order.
    public var leaves: [SchemaNode] { isLeaf ? [self] : children.flatMap(\.leaves) }

    /// The schema tree of a footer's flattened schema list.
    static func tree(_ elements: [SchemaElement]) throws -> SchemaNode {
        guard let first = elements.first else { throw DecodeError(message: "the schema is empty") }
        let root = SchemaNode(element: first, path: [], maxDefinition: 0, maxRepetition: 0)
        var index = 1
        var leafCount = 0
        func fill(_ node: SchemaNode, depth: Int) throws {
            guard depth < 64 else { throw DecodeError(message: "schema nested deeper than 64") }
            for _ in 0..<max(0, Int(node.element.numChildren)) {
                guard index < elements.count else { throw DecodeError(message: "schema lists fewer elements than its groups' children") }
                let e = elements[index]
                index += 1
                let rep = e.repetition ?? .required
                let child = SchemaNode(element: e, path: node.path + [e.name],
                                       maxDefinition: node.maxDefinition + (rep == .required ? 0 : 1),
                                       maxRepetition: node.maxRepetition + (rep == .repeated ? 1 : 0))
                node.children.append(child)
                if e.numChildren > 0 {
                    try fill(child, depth: depth + 1)
                } else {
                    guard e.type != nil else { throw DecodeError(message: "leaf '\(e.name)' has no physical type") }
                    child.leafIndex = leafCount
                    leafCount += 1
                }
            }
        }
        try fill(root, depth: 0)
        func collectLeafIndices(_ node: SchemaNode) {
            node.children.forEach(collectLeafIndices)
            node.leafIndices = node.leafIndex.map { [$0] } ?? node.children.flatMap(\.leafIndices)
        }
        collectLeafIndices(root)
        guard index == elements.count else { throw DecodeError(message: "schema has \(elements.count - index) elements outside the tree") }
        return root
    }

    /// The schema as text, one node per line (what `oneshot parquet schema` prints).
    public func describe(indent: String = "") -> String {
        var lines: [String] = []
        for child in children {
            let rep = "\(child.repetition)"
            var kind: String
            if child.isLeaf {
                kind = child.element.type.map { "\($0)" } ?? "?"
                if child.element.type == .fixedLenByteArray, let n = child.element.typeLength { kind += "(\(n))" }
            } else {
                kind = "group"
            }
            let logical: String
            switch child.element.logical {
            case .none: logical = ""
            case .string: logical = " (STRING)"
            case .list: logical = " (LIST)"
            case .map: logical = " (MAP)"
            case .json: logical = " (JSON)"
            case .other(let name): logical = " (\(name))"
            }
            lines.append("\(indent)\(rep) \(kind) \(child.name)\(logical)")
            if !child.isLeaf { lines.append(child.describe(indent: indent + "  ")) }
        }
        return lines.joined(separator: "\n")
    }
}
