import Foundation
import Testing
@testable import Engine

@Suite struct SamplingTests {
    let config = GPTConfig(vocabSize: 9, maxSeqLen: 8, layers: 2, heads: 2, channels: 8)

    /// The KV-cache path gives, position by position, the full forward pass's next-token distribution.
    @Test func kvCacheMatchesTheFullForwardPass() {
        let model = GPT<Double>(config: config, seed: 5)
        var g = Generator(seed: 9)
        for i in 0..<model.params.count { model.params[i] += g.uniform() * 0.4 - 0.2 }
        let tokens: [Int32] = [1, 4, 7, 3, 3, 8, 5]
        model.forward(tokens: tokens, targets: nil, B: 1, T: tokens.count)
        let full = Array(model.probabilities)
        let sampler = Sampler(model: model)
        for (t, token) in tokens.enumerated() {
            let logits = sampler.step(token: token, position: t)
            let top = logits.max()!
            let exps = logits.map { Foundation.exp($0 - top) }
            let probs = exps.map { $0 / exps.reduce(0, +) }
            for v in 0..<config.vocabSize { #expect(abs(probs[v] - full[t * config.vocabSize + v]) < 1e-12) }
        }
    }

    @Test func greedyIsDeterministicAndSamplingIsSeeded() {
        let model = GPT<Float>(config: config, seed: 2)
        let sampler = Sampler(model: model)
        var r1 = SeededGenerator(seed: 1), r2 = SeededGenerator(seed: 1), r3 = SeededGenerator(seed: 2)
        let greedy1 = sampler.generate(prompt: [1, 3], maxNewTokens: 5, temperature: 0, rng: &r1)
        let greedy2 = sampler.generate(prompt: [1, 3], maxNewTokens: 5, temperature: 0, rng: &r1)
        #expect(greedy1 == greedy2 && !greedy1.isEmpty)
        let a = sampler.generate(prompt: [1, 3], maxNewTokens: 6, temperature: 1, topP: 0.9, rng: &r2)
        var r2b = SeededGenerator(seed: 1)
        let b = sampler.generate(prompt: [1, 3], maxNewTokens: 6, temperature: 1, topP: 0.9, rng: &r2b)
        #expect(a == b)
        _ = sampler.generate(prompt: [1, 3], maxNewTokens: 6, temperature: 1, topP: 0.9, rng: &r3)
    }

    @Test func topPKeepsTheNucleus() {
        var rng = SeededGenerator(seed: 3)
        let logits: [Double] = [10, 9.9, -10, -10]   // two likely tokens share ~all the mass
        for _ in 0..<200 { #expect([0, 1].contains(Sampler<Double>.choose(logits, temperature: 1, topP: 0.9, rng: &rng))) }
    }

    @Test func tokenizerRoundTrip() {
        let tok = CharTokenizer(alphabet: "0123456789+-=\\boxed{} ")
        let ids = tok.encode("12+3=\\boxed{15}")!
        #expect(tok.decode(ids + [CharTokenizer.eos, 5]) == "12+3=\\boxed{15}")
        #expect(tok.encode("y") == nil)
        #expect(tok.vocabSize == Set("0123456789+-=\\boxed{} ").count + 3)
    }

    @Test func safetensorsRoundTrip() throws {
        let model = GPT<Float>(config: config, seed: 4)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("m-\(UUID().uuidString).safetensors").path
        try Safetensors.save(model, to: path, metadata: ["step": "7"])
        let other = GPT<Float>(config: config, seed: 99)
        #expect(try Safetensors.load(into: other, from: path) == ["step": "7"])
        #expect(Array(other.params) == Array(model.params))
        let wrong = GPT<Float>(config: GPTConfig(vocabSize: 9, maxSeqLen: 8, layers: 1, heads: 2, channels: 8), seed: 1)
        #expect(throws: Safetensors.Failure.self) { try Safetensors.load(into: wrong, from: path) }
    }
}

/// Hugging Face's safetensors package (numpy API) reads our checkpoints, from the venv `make test` makes.
@Suite struct SafetensorsInteropTests {
    static let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".venv/bin/python").path
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import safetensors.numpy"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    @Test(.enabled(if: available, "safetensors is not in .venv (make test installs it; PyPI unreachable?)"))
    func safetensorsPackageReadsOurCheckpoint() throws {
        let model = GPT<Float>(config: GPTConfig(vocabSize: 9, maxSeqLen: 8, layers: 2, heads: 2, channels: 8), seed: 4)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString).safetensors").path
        try Safetensors.save(model, to: path, metadata: ["format": "oneshot"])
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = ["-c", """
            import sys
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1])
            print(len(t), t['wte'].shape, t['qkvw'].shape, repr(float(t['wte'][3, 5])), float(t['lnfw'].sum()))
            """, path]
        p.standardOutput = try FileHandle(forWritingTo: out)
        try p.run()
        p.waitUntilExit()
        let text = try String(contentsOf: out, encoding: .utf8)
        let wte35 = Double(model.params[model.layout.offset("wte") + 3 * 8 + 5])
        #expect(text == "16 (9, 8) (2, 24, 8) \(wte35) 8.0\n")
    }
}
