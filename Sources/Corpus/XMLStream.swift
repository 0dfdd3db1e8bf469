import CLibXML2
import Foundation

/// A streaming XML reader over libxml2's `xmlTextReader`, set up for untrusted files.
///
/// Memory stays bounded: nodes are visited one at a time, and a subtree is built only when asked
/// (``expand()``), e.g. one exercise or one topic. The safety rules:
/// - the prolog is checked before libxml2 parses anything: a document type that declares entities is
///   refused (that is how XXE and "billion laughs" files work);
/// - entities are never substituted (no `XML_PARSE_NOENT`), no DTD is loaded or validated, XInclude is
///   off, the network is off (`XML_PARSE_NONET`), and an external-entity loader that refuses every
///   request is installed, so even a reference that slipped through cannot reach a file or a URL.
final class XMLStream {
    let path: String
    private let reader: xmlTextReaderPtr

    /// Node types of `xmlTextReaderNodeType`.
    enum NodeType: Int32 {
        case element = 1, text = 3, cdata = 4, entityReference = 5, documentType = 10, significantWhitespace = 14, endElement = 15
    }

    init(path: String) throws {
        self.path = path
        try XMLStream.checkProlog(path: path)
        XMLStream.installRefusingEntityLoader()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOERROR.rawValue
                            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue)
        guard let reader = xmlReaderForFile(path, nil, options) else {
            throw ImportError.unreadable(path: path, reason: "libxml2 cannot open the file")
        }
        self.reader = reader
    }

    deinit { xmlFreeTextReader(reader) }

    /// Advances to the next node; false at the end. Throws on a well-formedness error or a refused construct.
    func read() throws -> Bool {
        let rc = xmlTextReaderRead(reader)
        if rc == 1 {
            if nodeType == .entityReference {
                throw ImportError.unsafeXML(path: path, line: line, reason: "entity reference '&\(name);': entities are not expanded in untrusted XML")
            }
            return true
        }
        if rc == 0 { return false }
        throw parseError()
    }

    /// Skips the current node's subtree; false at the end.
    func skipSubtree() throws -> Bool {
        let rc = xmlTextReaderNext(reader)
        if rc == 1 { return true }
        if rc == 0 { return false }
        throw parseError()
    }

    var nodeType: NodeType? { NodeType(rawValue: xmlTextReaderNodeType(reader)) }
    var depth: Int { Int(xmlTextReaderDepth(reader)) }
    var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }
    var name: String { string(xmlTextReaderConstLocalName(reader)) ?? "" }
    var namespaceURI: String? { string(xmlTextReaderConstNamespaceUri(reader)) }

    /// The attribute `name` of the current element, entity and character references decoded.
    func attribute(_ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { oneshot_xml_free(value) }
        return String(cString: value)
    }

    /// The current element and its subtree as XML text (for the rejected-rows table).
    func outerXML() -> [UInt8] {
        guard let xml = xmlTextReaderReadOuterXml(reader) else { return [] }
        defer { oneshot_xml_free(xml) }
        return Array(UnsafeBufferPointer(start: xml, count: strlen(xml)))
    }

    /// Builds the current element's subtree (valid until the reader moves past it).
    func expand() throws -> XMLNodeView {
        guard let node = xmlTextReaderExpand(reader) else { throw parseError() }
        return XMLNodeView(node: node)
    }

    private func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        p.map { String(cString: $0) }
    }

    private func parseError() -> ImportError {
        if let error = xmlGetLastError() {
            let message = error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "parse error"
            let line = Int(error.pointee.line)
            xmlResetLastError()
            return .malformed(path: path, line: line > 0 ? line : self.line, reason: "XML is not well-formed: \(message)")
        }
        return .malformed(path: path, line: line, reason: "XML is not well-formed")
    }

    // MARK: - Safety

    private static let loaderInstalled: Bool = {
        xmlSetExternalEntityLoader { _, _, _ in nil }
        return true
    }()

    static func installRefusingEntityLoader() {
        _ = loaderInstalled
    }

    /// Refuses a document whose DOCTYPE declares entities, before libxml2 parses it.
    static func checkProlog(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError.unreadable(path: path, reason: "no such file or not readable")
        }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 1 << 20)
        let bytes = [UInt8](head)
        guard let doctype = find(Array("<!DOCTYPE".utf8), in: bytes, from: 0) else { return }
        // Only a DOCTYPE before the root element counts; find where the root starts.
        var i = 0
        while let lt = bytes[i...].firstIndex(of: UInt8(ascii: "<")) {
            let next = lt + 1 < bytes.count ? bytes[lt + 1] : 0
            if next != UInt8(ascii: "?") && next != UInt8(ascii: "!") {
                if lt < doctype { return }
                break
            }
            i = lt + 1
        }
        let line = bytes[..<doctype].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        if find(Array("<!ENTITY".utf8), in: bytes, from: doctype) != nil {
            throw ImportError.unsafeXML(path: path, line: line,
                                        reason: "the document type declares entities (XXE and entity-expansion attacks work this way); entity declarations are not accepted")
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

/// A read-only view of an expanded libxml2 node.
struct XMLNodeView {
    let node: xmlNodePtr

    var isElement: Bool { node.pointee.type == XML_ELEMENT_NODE }
    var isText: Bool { node.pointee.type == XML_TEXT_NODE || node.pointee.type == XML_CDATA_SECTION_NODE }
    var name: String { node.pointee.name.map { String(cString: $0) } ?? "" }
    var line: Int { Int(xmlGetLineNo(node)) }

    var children: [XMLNodeView] {
        var result: [XMLNodeView] = []
        var child = node.pointee.children
        while let c = child {
            result.append(XMLNodeView(node: c))
            child = c.pointee.next
        }
        return result
    }

    var elementChildren: [XMLNodeView] { children.filter(\.isElement) }

    func child(_ name: String) -> XMLNodeView? { elementChildren.first { $0.name == name } }

    func attribute(_ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { oneshot_xml_free(value) }
        return String(cString: value)
    }

    /// The text of a text node, or the concatenated text of an element's subtree.
    var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { oneshot_xml_free(content) }
        return String(cString: content)
    }
}
