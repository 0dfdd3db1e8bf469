import Foundation
import Testing
@testable import Engine

@Suite struct SamplingTests {
    let config = GPTConfig(vocabSize: 9, maxSeqLen: 8, layers: 2, heads: 2, channels: 8)

    /// The KV-cache path gives, position by position and row by row, the full forward pass's logits, with
    /// rows of different lengths advancing in one batch.
    @Test func kvCacheMatchesTheFullForwardPass() {
        let model = GPT<Float>(config: config, seed: 5)
        var g = Generator(seed: 9)
        for i in 0..<model.params.count { model.params[i] += Float(g.uniform() * 0.4 - 0.2) }
        let rows: [[Int32]] = [[1, 4, 7, 3, 3, 8, 5], [1, 2, 6], [1, 8, 8, 8, 0]]
        let sampler = BatchSampler(model: model, capacity: 4)
        var expected: [[Float]] = []
        for tokens in rows {
            model.forward(tokens: tokens, targets: nil, B: 1, T: tokens.count)
            expected.append(Array(model.probabilities))
        }
        for t in 0..<rows.map(\.count).max()! {
            let live = rows.indices.filter { t < rows[$0].count }
            sampler.step(rows: live.map { $0 + 1 }, tokens: live.map { rows[$0][t] }, positions: live.map { _ in t })
            for (j, r) in live.enumerated() {
                let logits = sampler.logits(ofRow: j).map(Double.init)
                let top = logits.max()!
                let exps = logits.map { Foundation.exp($0 - top) }
                let probs = exps.map { $0 / exps.reduce(0, +) }
                for v in 0..<config.vocabSize {
                    #expect(abs(probs[v] - Double(expected[r][t * config.vocabSize + v])) < 1e-5, "row \(r) position \(t)")
                }
            }
        }
    }

    /// Whole prompts fed in one step (a row's entries in position order, as the prefill does) give each
    /// entry the full forward pass's next-token probabilities: every entry's key and value are in the cache
    /// before any entry attends, and each sees only its own row's earlier positions.
    @Test func oneStepFeedsWholePrompts() {
        let config = GPTConfig(vocabSize: 11, maxSeqLen: 24, layers: 2, heads: 2, channels: 32)
        let model = GPT<Float>(config: config, seed: 6)
        var g = Generator(seed: 4)
        for i in 0..<model.params.count { model.params[i] += Float(g.uniform() * 0.4 - 0.2) }
        let prompts: [[Int32]] = [(0..<20).map { Int32(($0 * 7 + 3) % 11) }, (0..<9).map { Int32($0 % 11) }, (0..<13).map { Int32(($0 * 5) % 11) }]
        let sampler = BatchSampler(model: model, capacity: 3)
        let entries = prompts.enumerated().flatMap { r, tokens in tokens.enumerated().map { (row: r, token: $0.element, position: $0.offset) } }
        sampler.step(rows: entries.map(\.row), tokens: entries.map(\.token), positions: entries.map(\.position))
        let expected = prompts.map { tokens -> [Float] in
            model.forward(tokens: tokens, targets: nil, B: 1, T: tokens.count)
            return Array(model.probabilities)
        }
        for (j, entry) in entries.enumerated() {
            let logits = sampler.logits(ofRow: j).map(Double.init)
            let exps = logits.map { Foundation.exp($0 - logits.max()!) }
            for v in 0..<config.vocabSize {
                let want = Double(expected[entry.row][entry.position * config.vocabSize + v])
                #expect(abs(exps[v] / exps.reduce(0, +) - want) < 1e-5, "row \(entry.row) position \(entry.position)")
            }
        }
    }

    @Test func greedyIsDeterministicAndSamplingIsSeeded() {
        let model = GPT<Float>(config: config, seed: 2)
        let sampler = BatchSampler(model: model, capacity: 2)
        var r1 = SeededGenerator(seed: 1), r2 = SeededGenerator(seed: 1), r3 = SeededGenerator(seed: 2)
        let greedy1 = sampler.generate(prompts: [[1, 3]], maxNewTokens: 5, temperature: 0, rng: &r1)
        let greedy2 = sampler.generate(prompts: [[1, 3], [1, 3]], maxNewTokens: 5, temperature: 0, rng: &r1)
        #expect(greedy2 == [greedy1[0], greedy1[0]] && !greedy1[0].isEmpty)
        let prompts: [[Int32]] = [[1, 3], [1, 4, 5], [1], [1, 2, 2, 2]]   // more rows than the capacity: two chunks
        let a = sampler.generate(prompts: prompts, maxNewTokens: 6, temperature: 1, topP: 0.9, rng: &r2)
        var r2b = SeededGenerator(seed: 1)
        let b = sampler.generate(prompts: prompts, maxNewTokens: 6, temperature: 1, topP: 0.9, rng: &r2b)
        #expect(a == b && a.count == 4)
        let c = sampler.generate(prompts: prompts, maxNewTokens: 6, temperature: 1, topP: 0.9, rng: &r3)
        #expect(c != a)
        for (row, prompt) in zip(a, prompts) {
            #expect(row.count <= min(6, config.maxSeqLen - prompt.count))
            #expect(row.dropLast().allSatisfy { $0 != CharTokenizer.eos })
        }
    }

    /// Rows that share a prompt share its prefill (the followers copy the leader's KV cache): their greedy
    /// continuations equal those of the prompt decoded alone, for every row of the group.
    @Test func sharedPrefillMatchesDecodingAlone() {
        let model = GPT<Float>(config: GPTConfig(vocabSize: 9, maxSeqLen: 16, layers: 2, heads: 2, channels: 8), seed: 7)
        var g = Generator(seed: 2)
        for i in 0..<model.params.count { model.params[i] += Float(g.uniform() * 2 - 1) }
        let a: [Int32] = [1, 4, 7, 3], b: [Int32] = [1, 5]
        let sampler = BatchSampler(model: model, capacity: 8)
        var rng = SeededGenerator(seed: 1)
        let alone = [a, b].map { sampler.generate(prompts: [$0], maxNewTokens: 10, temperature: 0, stop: nil, rng: &rng)[0] }
        let together = sampler.generate(prompts: [a, b, a, a, b], maxNewTokens: 10, temperature: 0, stop: nil, rng: &rng)
        #expect(together == [alone[0], alone[1], alone[0], alone[0], alone[1]])
        #expect(alone[0].count == 10 && Set(alone[0]).count > 1)
    }

    @Test func topPKeepsTheNucleus() {
        var rng = SeededGenerator(seed: 3)
        let logits: [Float] = [10, 9.9, -10, -10]   // two likely tokens share ~all the mass
        for _ in 0..<200 { #expect([0, 1].contains(BatchSampler.choose(logits, V: 4, temperature: 1, topP: 0.9, rng: &rng))) }
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
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
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

    /// The cache's buffer starts on a 2 MiB boundary, so the kernel can back it with huge pages, and the whole
    /// of it is usable.
    @Test func cacheBufferIsHugePageAligned() {
        let count = 3 << 20 / MemoryLayout<Float>.stride + 5
        let buffer = HugePages.allocate(Float.self, count: count)
        defer { HugePages.deallocate(buffer) }
        #expect(Int(bitPattern: buffer.baseAddress) % HugePages.size == 0)
        buffer.initialize(repeating: 1)
        #expect(buffer.reduce(0, +) == Float(count))
    }
}
