import Foundation
import JSON

/// Why a Parquet file could not be read: the file, and where known the row group and column.
public struct ParquetError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let rowGroup: Int?
    public let column: String?
    public let message: String

    public var description: String {
        var place = path
        if let rowGroup { place += ": row group \(rowGroup)" }
        if let column { place += ", column \(column)" }
        return "\(place): \(message)"
    }
}

/// A Parquet file open for reading: its footer, its schema, and rows one row group at a time.
///
/// Only the footer is read on open; a row group's column chunks are read when its rows are asked for,
/// and only those of the requested columns, so memory follows one row group, not the file. Nothing
/// changes after opening (reads use `pread`), so a file can be read from any thread.
public final class ParquetFile: @unchecked Sendable {
    public let path: String
    public let metadata: FileMetaData
    public let schema: SchemaNode
    public let size: Int
    private let fd: Int32

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ParquetError(path: path, rowGroup: nil, column: nil, message: "cannot open: \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw ParquetError(path: path, rowGroup: nil, column: nil, message: "cannot stat the file")
        }
        size = Int(info.st_size)
        do {
            (metadata, schema) = try ParquetFile.readFooter(fd: fd, size: size)
        } catch let e as DecodeError {
            close(fd)
            throw ParquetError(path: path, rowGroup: nil, column: nil, message: e.message)
        } catch let e as ThriftError {
            close(fd)
            throw ParquetError(path: path, rowGroup: nil, column: nil, message: "the footer is corrupt: \(e.message)")
        }
    }

    deinit { close(fd) }

    /// The number of rows in the file.
    public var rowCount: Int { Int(metadata.numRows) }

    /// The top-level field names.
    public var fieldNames: [String] { schema.children.map(\.name) }

    private static func readFooter(fd: Int32, size: Int) throws -> (FileMetaData, SchemaNode) {
        guard size >= 12 else { throw DecodeError(message: "not a Parquet file: \(size) bytes is too short") }
        let head = try pread(fd: fd, offset: 0, count: 4)
        let tail = try pread(fd: fd, offset: size - 8, count: 8)
        let magic: [UInt8] = Array("PAR1".utf8)
        guard head == magic else { throw DecodeError(message: "not a Parquet file: it does not start with PAR1") }
        guard Array(tail[4...]) == magic else {
            throw DecodeError(message: Array(tail[4...]) == Array("PARE".utf8) ? "encrypted Parquet files are not supported" : "not a Parquet file (or truncated): it does not end with PAR1")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength > 0, footerLength <= size - 12 else {
            throw DecodeError(message: "the footer length (\(footerLength) bytes) runs past the start of the file")
        }
        let footer = try pread(fd: fd, offset: size - 8 - footerLength, count: footerLength)
        let metadata = try FileMetaData(thrift: footer)
        let schema = try SchemaNode.tree(metadata.schema)
        let leaves = schema.leaves.count
        for (i, group) in metadata.rowGroups.enumerated() where group.columns.count != leaves {
            throw DecodeError(message: "row group \(i) has \(group.columns.count) columns, the schema \(leaves)")
        }
        return (metadata, schema)
    }

    /// The rows of row group `index`, with only `columns` (top-level field names; all when nil).
    public func rows(rowGroup index: Int, columns: [String]? = nil) throws -> [JSONValue] {
        let group = metadata.rowGroups[index]
        let fields = try selectedFields(columns)
        var data: [Int: ColumnData] = [:]
        for field in fields {
            for leaf in field.leaves {
                guard let leafIndex = leaf.leafIndex else { continue }
                let column = leaf.path.joined(separator: ".")
                do {
                    let meta = group.columns[leafIndex]
                    let start = Int(meta.dictionaryPageOffset.flatMap { $0 > 0 ? $0 : nil } ?? meta.dataPageOffset)
                    let length = Int(meta.totalCompressedSize)
                    guard start >= 4, length >= 0, start + length <= size - 8 else {
                        throw DecodeError(message: "the column chunk (\(length) bytes at \(start)) lies outside the file")
                    }
                    let chunk = try ParquetFile.pread(fd: fd, offset: start, count: length)
                    data[leafIndex] = try ColumnChunkReader(leaf: leaf, meta: meta).read(chunk)
                } catch let e as DecodeError {
                    throw ParquetError(path: path, rowGroup: index, column: column, message: e.message)
                }
            }
        }
        do {
            return try RecordAssembly.rows(fields: fields, columns: data, rowCount: Int(group.numRows))
        } catch let e as DecodeError {
            throw ParquetError(path: path, rowGroup: index, column: nil, message: e.message)
        }
    }

    /// Calls `body` with every row, one row group in memory at a time.
    public func forEachRow(columns: [String]? = nil, _ body: (JSONValue) throws -> Void) throws {
        for index in metadata.rowGroups.indices {
            for row in try rows(rowGroup: index, columns: columns) { try body(row) }
        }
    }

    private func selectedFields(_ columns: [String]?) throws -> [SchemaNode] {
        guard let columns else { return schema.children }
        return try columns.map { name in
            guard let field = schema.children.first(where: { $0.name == name }) else {
                throw ParquetError(path: path, rowGroup: nil, column: name, message: "no such column (columns: \(fieldNames.joined(separator: ", ")))")
            }
            return field
        }
    }

    static func pread(fd: Int32, offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { Foundation.pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw DecodeError(message: "cannot read \(count) bytes at offset \(offset): the file is shorter or unreadable") }
            done += n
        }
        return out
    }
}
