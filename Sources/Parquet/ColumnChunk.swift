import JSON

/// One leaf column of one row group, decoded: the non-null values and every entry's levels.
struct ColumnData {
    var values: [JSONValue] = []
    var definitions: [UInt16] = []
    var repetitions: [UInt16] = []
}

/// Reads a column chunk's pages.
struct ColumnChunkReader {
    let leaf: SchemaNode
    let meta: ColumnMetaData

    var decoder: ValueDecoder {
        ValueDecoder(type: meta.type, typeLength: Int(leaf.element.typeLength ?? 0),
                     isString: leaf.element.logical == .string || leaf.element.logical == .json)
    }

    /// Decodes the chunk whose bytes are `chunk`.
    func read(_ chunk: [UInt8]) throws -> ColumnData {
        guard meta.numValues >= 0, meta.numValues <= Int64(Int32.max) else {
            throw DecodeError(message: "the column chunk claims \(meta.numValues) values")
        }
        let total = Int(meta.numValues)
        var data = ColumnData()
        data.definitions.reserveCapacity(min(total, chunk.count * 8))
        var dictionary: [JSONValue]?
        var position = 0
        let decoder = self.decoder
        while data.definitions.count < total {
            guard position < chunk.count else {
                throw DecodeError(message: "the column chunk ends after \(data.definitions.count) of \(meta.numValues) values")
            }
            var thrift = ThriftReader(chunk, at: position)
            let header: PageHeader
            do { header = try PageHeader(&thrift) } catch let e as ThriftError { throw DecodeError(message: "bad page header: \(e.message)") }
            let start = thrift.position
            let size = Int(header.compressedSize)
            guard size >= 0, start + size <= chunk.count else {
                throw DecodeError(message: "a page of \(header.compressedSize) bytes runs past the column chunk")
            }
            let body = chunk[start..<(start + size)]
            position = start + size
            // A page can hold no more values than the chunk has left, nor more bytes than the chunk holds.
            let remaining = total - data.definitions.count
            guard header.numValues >= 0, (header.type == PageType.dictionary.rawValue || Int(header.numValues) <= remaining) else {
                throw DecodeError(message: "a page claims \(header.numValues) values, \(remaining) remain in the chunk")
            }
            guard header.uncompressedSize >= 0, Int64(header.uncompressedSize) <= max(meta.totalUncompressedSize, Int64(size)) + (1 << 20) else {
                throw DecodeError(message: "a page claims \(header.uncompressedSize) uncompressed bytes, more than the whole column")
            }
            switch PageType(rawValue: header.type) {
            case .dictionary:
                let bytes = try decompress(body, size: Int(header.uncompressedSize))
                var cursor = ByteCursor(bytes)
                guard Int(header.numValues) <= bytes.count * 8 + 1 else { throw DecodeError(message: "a dictionary page claims \(header.numValues) values in \(bytes.count) bytes") }
                dictionary = try decoder.plain(&cursor, count: Int(header.numValues))
            case .data:
                let bytes = try decompress(body, size: Int(header.uncompressedSize))
                var cursor = ByteCursor(bytes)
                let count = Int(header.numValues)
                let reps = try levels(&cursor, max: leaf.maxRepetition, count: count, prefixed: true)
                let defs = try levels(&cursor, max: leaf.maxDefinition, count: count, prefixed: true)
                try append(values: &cursor, encoding: header.encoding, defs: defs, reps: reps, dictionary: dictionary, into: &data)
            case .dataV2:
                let repLength = Int(header.repetitionLevelsLength), defLength = Int(header.definitionLevelsLength)
                guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count else {
                    throw DecodeError(message: "data page v2 levels are longer than the page")
                }
                let levelBytes = Array(body.prefix(repLength + defLength))
                let count = Int(header.numValues)
                var repCursor = ByteCursor(levelBytes, from: 0, to: repLength)
                var defCursor = ByteCursor(levelBytes, from: repLength, to: repLength + defLength)
                let reps = try levels(&repCursor, max: leaf.maxRepetition, count: count, prefixed: false)
                let defs = try levels(&defCursor, max: leaf.maxDefinition, count: count, prefixed: false)
                let valueBytes = body.dropFirst(repLength + defLength)
                let uncompressed = Int(header.uncompressedSize) - repLength - defLength
                let bytes = header.isCompressed ? try decompress(valueBytes, size: uncompressed) : Array(valueBytes)
                var cursor = ByteCursor(bytes)
                try append(values: &cursor, encoding: header.encoding, defs: defs, reps: reps, dictionary: dictionary, into: &data)
            case .index, nil:
                continue
            }
        }
        return data
    }

    private func decompress(_ body: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        do {
            return try Codecs.decompress(body, codec: meta.codec, size: size)
        } catch let e as Codecs.Failure {
            throw DecodeError(message: "a page does not decompress: \(e.message)")
        }
    }

    /// Repetition or definition levels (all 0 when the column has none).
    private func levels(_ cursor: inout ByteCursor, max: Int, count: Int, prefixed: Bool) throws -> [UInt16] {
        guard max > 0 else { return [UInt16](repeating: 0, count: count) }
        var c = cursor
        if prefixed {
            let length = Int(try cursor.littleEndian(4))
            let range = try cursor.take(length)
            c = ByteCursor(cursor.bytes, from: range.lowerBound, to: range.upperBound)
        }
        let width = bitWidth(max)
        let values = try Decoding.hybrid(&c, bitWidth: width, count: count)
        if !prefixed { cursor = c }
        return try values.map { v in
            guard v <= UInt64(max) else { throw DecodeError(message: "level \(v) above the column's maximum \(max)") }
            return UInt16(v)
        }
    }

    private func append(values cursor: inout ByteCursor, encoding: Int32, defs: [UInt16], reps: [UInt16],
                        dictionary: [JSONValue]?, into data: inout ColumnData) throws {
        let present = leaf.maxDefinition == 0 ? defs.count : defs.reduce(0) { $0 + ($1 == UInt16(leaf.maxDefinition) ? 1 : 0) }
        let values: [JSONValue]
        if encoding == Encoding.plainDictionary.rawValue || encoding == Encoding.rleDictionary.rawValue {
            guard let dictionary else { throw DecodeError(message: "dictionary-encoded page without a dictionary page") }
            let width = present == 0 ? 0 : Int(try cursor.u8())
            let indices = present == 0 ? [] : try Decoding.hybrid(&cursor, bitWidth: width, count: present)
            values = try indices.map { i in
                guard i < UInt64(dictionary.count) else { throw DecodeError(message: "dictionary index \(i) out of \(dictionary.count)") }
                return dictionary[Int(i)]
            }
        } else {
            values = try decoder.decode(&cursor, encoding: encoding, count: present)
            guard values.count == present else { throw DecodeError(message: "\(values.count) values for \(present) present entries") }
        }
        data.values.append(contentsOf: values)
        data.definitions.append(contentsOf: defs)
        data.repetitions.append(contentsOf: reps)
    }
}

/// The number of bits that hold values up to `max`.
func bitWidth(_ max: Int) -> Int {
    max == 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount
}
