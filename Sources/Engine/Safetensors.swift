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
        try write(model.layout.names.enumerated().map { k, name in
            (name, model.layout.shapes[k], UnsafeBufferPointer(rebasing: model.params[model.layout.offsets[k]..<(model.layout.offsets[k] + model.layout.size(name))]))
        }, to: path, metadata: metadata)
    }

    /// Reads parameters saved by ``save(_:to:metadata:)`` into `model`, whose configuration must match.
    /// Returns the header's metadata.
    @discardableResult
    public static func load<T: Scalar>(into model: GPT<T>, from path: String) throws -> [String: String] {
        let file = try File(path)
        for (k, name) in model.layout.names.enumerated() {
            try file.read(name, shape: model.layout.shapes[k], into: model.params.baseAddress! + model.layout.offsets[k])
        }
        return file.metadata
    }

    /// Writes AdamW's moments (tensors `adam_m`, `adam_v`, one value per parameter) and its step count, so a
    /// killed run resumes with the optimizer where it was.
    public static func saveOptimizer(_ model: GPT<Float>, to path: String) throws {
        guard let state = model.optimizerMoments else { throw Failure(message: "\(path): the model has no optimizer state yet") }
        try write([("adam_m", [model.layout.count], UnsafeBufferPointer(state.m)), ("adam_v", [model.layout.count], UnsafeBufferPointer(state.v))],
                  to: path, metadata: ["step": String(state.step)])
    }

    /// Restores what ``saveOptimizer(_:to:)`` wrote.
    public static func loadOptimizer(into model: GPT<Float>, from path: String) throws {
        let file = try File(path)
        guard let step = file.metadata["step"].flatMap(Int.init) else { throw Failure(message: "\(path): no optimizer step in the metadata") }
        let state = model.restoreOptimizer(step: step)
        try file.read("adam_m", shape: [model.layout.count], into: state.m.baseAddress!)
        try file.read("adam_v", shape: [model.layout.count], into: state.v.baseAddress!)
    }

    static func write<T: Scalar>(_ tensors: [(String, [Int], UnsafeBufferPointer<T>)], to path: String, metadata: [String: String]) throws {
        var header: [String: Any] = [:]
        var data = Data()
        for (name, shape, values) in tensors {
            let begin = data.count
            var floats = values.map { Float($0) }
            floats.withUnsafeMutableBytes { data.append(contentsOf: $0) }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [begin, data.count]]
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

    /// A safetensors file read whole, its header parsed.
    struct File {
        let path: String, bytes: Data, header: [String: Any], dataStart: Int
        var metadata: [String: String] { header["__metadata__"] as? [String: String] ?? [:] }

        init(_ path: String) throws {
            guard let file = FileManager.default.contents(atPath: path), file.count >= 8 else {
                throw Failure(message: "\(path): not a safetensors file (too short or unreadable)")
            }
            let headerLength = file.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            guard headerLength <= UInt64(file.count - 8) else { throw Failure(message: "\(path): header length runs past the file") }
            dataStart = 8 + Int(headerLength)
            guard let header = try? JSONSerialization.jsonObject(with: file.subdata(in: 8..<dataStart)) as? [String: Any] else {
                throw Failure(message: "\(path): the header is not a JSON object")
            }
            self.path = path
            self.bytes = file
            self.header = header
        }

        /// Copies float32 tensor `name`, which must have `shape`, into `out`.
        func read<T: Scalar>(_ name: String, shape expected: [Int], into out: UnsafeMutablePointer<T>) throws {
            guard let entry = header[name] as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let range = entry["data_offsets"] as? [Int], range.count == 2 else {
                throw Failure(message: "\(path): tensor '\(name)' is missing or not float32")
            }
            guard shape == expected else {
                throw Failure(message: "\(path): tensor '\(name)' has shape \(shape), the model \(expected) (a different config?)")
            }
            let count = shape.reduce(1, *)
            guard range[0] >= 0, range[1] - range[0] == count * 4, dataStart + range[1] <= bytes.count else {
                throw Failure(message: "\(path): tensor '\(name)' has a bad byte range")
            }
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: dataStart + range[0] + 4 * i, as: UInt32.self)
                    out[i] = T(Float(bitPattern: UInt32(littleEndian: bits)))
                }
            }
        }
    }
}
