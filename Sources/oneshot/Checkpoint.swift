import ArgumentParser
import Engine
import Foundation
import Store

/// A checkpoint directory: `model.safetensors` (float32 weights, llm.c names), `config.json` (the model's
/// shape and how it was trained) and `tokenizer.json` (the alphabet).
struct Checkpoint {
    let directory: String
    var modelPath: String { directory + "/model.safetensors" }
    var configPath: String { directory + "/config.json" }
    var tokenizerPath: String { directory + "/tokenizer.json" }

    /// What `config.json` holds.
    struct Config: Codable {
        var model: GPTConfig
        var pretraining: PretrainConfig?
        var stepsDone: Int
        var toolVersion: String
    }

    func save(_ model: GPT<Float>, tokenizer: CharTokenizer, pretraining: PretrainConfig?, stepsDone: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let config = Config(model: model.config, pretraining: pretraining, stepsDone: stepsDone, toolVersion: ToolInfo.version)
        try encoder.encode(config).write(to: URL(fileURLWithPath: configPath), options: .atomic)
        try encoder.encode(tokenizer).write(to: URL(fileURLWithPath: tokenizerPath), options: .atomic)
        try Safetensors.save(model, to: modelPath, metadata: ["format": "oneshotkit-gpt", "steps": String(stepsDone)])
    }

    func load() throws -> (model: GPT<Float>, tokenizer: CharTokenizer, config: Config) {
        func read(_ path: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(path): missing or unreadable (is \(directory) a checkpoint directory?)")
            }
            return data
        }
        let config: Config, tokenizer: CharTokenizer
        do { config = try JSONDecoder().decode(Config.self, from: read(configPath)) } catch let e as ValidationError { throw e } catch {
            throw ValidationError("\(configPath): not a checkpoint config (\(error))")
        }
        do { tokenizer = try JSONDecoder().decode(CharTokenizer.self, from: read(tokenizerPath)) } catch let e as ValidationError { throw e } catch {
            throw ValidationError("\(tokenizerPath): not a tokenizer (\(error))")
        }
        guard tokenizer.vocabSize == config.model.vocabSize else {
            throw ValidationError("\(tokenizerPath): \(tokenizer.vocabSize) tokens, the model expects \(config.model.vocabSize)")
        }
        let model = GPT<Float>(config: config.model, seed: 0)
        try Safetensors.load(into: model, from: modelPath)
        return (model, tokenizer, config)
    }
}
