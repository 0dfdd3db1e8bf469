import Foundation

/// Checkpoints in the safetensors format: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian data. PyTorch and Hugging Face
/// tools open it with `safetensors.torch.load_file`.
public enum Safetensors {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Writes the model's parameters as float32 tensors named like llm.c's (wte, wpe, ln1w, ...), with
    /// `metadata` (string to string) in the header's `__metadata__`.
    public static func save<T: Scalar>(_ model: GPT<T>, to path: String, metadata: [String: String] = [:]) throws {
        var header: [String: Any] = [:]
        var data = Data()
        for (k, name) in model.layout.names.enumerated() {
            let start = model.layout.offsets[k], count = model.layout.size(name)
            let begin = data.count
            var floats = (0..<count).map { Float(model.params[start + $0]) }
            floats.withUnsafeMutableBytes { data.append(contentsOf: $0) }
            header[name] = ["dtype": "F32", "shape": model.layout.shapes[k], "data_offsets": [begin, data.count]]
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (json.count + 8) % 8 != 0 { json.append(0x20) }   // align the data to 8 bytes
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(data)
        try out.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads parameters saved by ``save(_:to:metadata:)`` into `model`, whose configuration must match.
    /// Returns the header's metadata.
    @discardableResult
    public static func load<T: Scalar>(into model: GPT<T>, from path: String) throws -> [String: String] {
        guard let file = FileManager.default.contents(atPath: path), file.count >= 8 else {
            throw Failure(message: "\(path): not a safetensors file (too short or unreadable)")
        }
        let headerLength = file.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(file.count - 8) else { throw Failure(message: "\(path): header length runs past the file") }
        let dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: file.subdata(in: 8..<dataStart)) as? [String: Any] else {
            throw Failure(message: "\(path): the header is not a JSON object")
        }
        for (k, name) in model.layout.names.enumerated() {
            guard let entry = header[name] as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let range = entry["data_offsets"] as? [Int], range.count == 2 else {
                throw Failure(message: "\(path): tensor '\(name)' is missing or not float32")
            }
            guard shape == model.layout.shapes[k] else {
                throw Failure(message: "\(path): tensor '\(name)' has shape \(shape), the model \(model.layout.shapes[k]) (a different config?)")
            }
            let count = shape.reduce(1, *)
            guard range[0] >= 0, range[1] - range[0] == count * 4, dataStart + range[1] <= file.count else {
                throw Failure(message: "\(path): tensor '\(name)' has a bad byte range")
            }
            let start = model.layout.offsets[k]
            file.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: dataStart + range[0] + 4 * i, as: UInt32.self)
                    model.params[start + i] = T(Float(bitPattern: UInt32(littleEndian: bits)))
                }
            }
        }
        return header["__metadata__"] as? [String: String] ?? [:]
    }
}
