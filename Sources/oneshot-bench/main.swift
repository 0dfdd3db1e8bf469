// Benchmark driver for `make bench`: times library work that no single oneshot command isolates.
//
//   oneshot-bench parquet-read FILE REPEAT   read every row of FILE into memory REPEAT times
//   oneshot-bench grade FILE                 grade every {gold, prediction} line, timing each pair
//   oneshot-bench grade-adversarial          the slowest call over the adversarial inputs
//   oneshot-bench engine-train STEPS [N|blasN]  training steps of the 4L/128C/4H/ctx128 model on random tokens, batch 32,
//                                            on N workers (one BLAS thread each) or one worker with N OpenBLAS threads
//   oneshot-bench engine-profile STEPS       engine-train's steps on one worker, each operation of the passes timed:
//                                            seconds per step and, for the matrix products, GFLOP/s
//   oneshot-bench sgemm-peak                 one-thread cblas_sgemm GFLOP/s on 1024x1024 matrices (best of 5)
//   oneshot-bench engine-sample ROLLOUTS     KV-cache sampling at T=1: ROLLOUTS continuations of one 32-token prompt
//   oneshot-bench grpo-step MODEL PROBLEMS STEPS  GRPO steps (8 prompts x 8 samples) of checkpoint MODEL on a JSONL of {problem, answer}
//
// Prints one JSON object with the measured seconds.
import Foundation
import Engine
import Grading
import JSON
import Parquet

let arguments = CommandLine.arguments
func usage() -> Never {
    FileHandle.standardError.write(Data("usage: oneshot-bench parquet-read FILE REPEAT | grade FILE | grade-adversarial | engine-train STEPS | engine-profile STEPS | sgemm-peak | engine-sample ROLLOUTS | grpo-step MODEL PROBLEMS STEPS\n".utf8))
    exit(2)
}
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

if (3...4).contains(arguments.count), arguments[1] == "engine-train", let steps = Int(arguments[2]), steps > 0 {
    // THREADS > 1: our own workers (one BLAS thread each); "blasN": OpenBLAS's N threads on one worker.
    let threads = arguments.count == 4 ? arguments[3] : "1"
    let blas = threads.hasPrefix("blas")
    let times = EngineBenchmark.trainingSteps(steps, workers: blas ? 1 : Int(threads) ?? 1, blasThreads: blas ? Int(threads.dropFirst(4)) ?? 1 : 1)
    print(JSONValue.object(JSONObject(["tokens_per_step": .int(Int64(32 * EngineBenchmark.config.maxSeqLen)),
                                       "seconds": .array(times.map(JSONValue.double))])).serialized)
    exit(0)
}
if arguments.count == 3, arguments[1] == "engine-profile", let steps = Int(arguments[2]), steps > 0 {
    let profile = StepProfile()
    let times = EngineBenchmark.trainingSteps(steps, profile: profile)
    let operations = StepProfile.Operation.allCases.compactMap { op -> JSONValue? in
        guard let s = profile.seconds[op] else { return nil }
        var o = JSONObject(["operation": .string(op.rawValue), "seconds_per_step": .double(s / Double(steps))])
        if let rate = profile.gigaflopsPerSecond(op) { o["gflops"] = .double(rate) }
        return .object(o)
    }
    print(JSONValue.object(JSONObject(["seconds": .array(times.map(JSONValue.double)), "operations": .array(operations)])).serialized)
    exit(0)
}
if arguments.count == 2, arguments[1] == "sgemm-peak" {
    print(JSONValue.object(JSONObject(["gflops": .double(EngineBenchmark.sgemmPeak())])).serialized)
    exit(0)
}
if arguments.count == 3, arguments[1] == "engine-sample", let rollouts = Int(arguments[2]), rollouts > 0 {
    let (tokens, time) = EngineBenchmark.sampling(rollouts)
    print(JSONValue.object(JSONObject(["tokens": .int(Int64(tokens)), "seconds": .double(time)])).serialized)
    exit(0)
}
if arguments.count == 5, arguments[1] == "grpo-step", let steps = Int(arguments[4]), steps > 0 {
    struct ModelConfig: Decodable { let model: GPTConfig }
    let dir = arguments[2]
    let config = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))).model
    let tokenizer = try JSONDecoder().decode(CharTokenizer.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/tokenizer.json")))
    let policy = GPT<Float>(config: config, seed: 0), reference = GPT<Float>(config: config, seed: 0)
    try Safetensors.load(into: policy, from: dir + "/model.safetensors")
    try Safetensors.load(into: reference, from: dir + "/model.safetensors")
    let problems = try String(contentsOfFile: arguments[3], encoding: .utf8).split(separator: "\n").map { line in
        let o = try JSONParser.parse(String(line))
        return RLProblem(problem: o["problem"]?.stringValue ?? "", gold: o["answer"]?.stringValue ?? "")
    }
    let grader = Grader(requireBox: true)
    let trainer = RLTrainer(policy: policy, reference: reference, tokenizer: tokenizer, config: RLConfig()) {
        grader.grade(gold: $0, response: $1).correct
    }
    var sampling: [JSONValue] = [], referencePass: [JSONValue] = [], update: [JSONValue] = [], lengths: [JSONValue] = []
    for step in 0..<(steps + 1) {
        var rng = SeededGenerator(seed: UInt64(step))
        let batch = (0..<8).map { problems[(step * 8 + $0) % problems.count] }
        let result = trainer.step(batch, rng: &rng)
        if step == 0 { continue }   // warm-up
        sampling.append(.double(result.seconds.sampling))
        referencePass.append(.double(result.seconds.reference))
        update.append(.double(result.seconds.update))
        lengths.append(.double(result.meanResponseLength))
    }
    print(JSONValue.object(JSONObject(["sampling": .array(sampling), "reference": .array(referencePass), "update": .array(update),
                                       "response_length": .array(lengths)])).serialized)
    exit(0)
}
if arguments.count == 2, arguments[1] == "grade-adversarial" {
    let grader = Grader()
    var worst = 0.0, worstInput = ""
    for input in AdversarialInputs.fixed {
        for gold in ["1", "x^2+1", "(1,2)", input] {
            let start = ContinuousClock.now
            _ = grader.grade(gold: gold, response: input)
            let t = seconds(ContinuousClock.now - start)
            if t > worst { worst = t; worstInput = String(input.prefix(40)) + " (gold \(gold.prefix(20)))" }
        }
    }
    print(JSONValue.object(JSONObject(["calls": .int(Int64(AdversarialInputs.fixed.count * 4)), "max_seconds": .double(worst),
                                       "slowest": .string(worstInput)])).serialized)
    exit(0)
}
if arguments.count == 3, arguments[1] == "grade" {
    let pairs = try String(contentsOfFile: arguments[2], encoding: .utf8).split(separator: "\n").map { line -> (String, String) in
        let o = try JSONParser.parse(String(line))
        return (o["gold"]?.stringValue ?? "", o["prediction"]?.stringValue ?? "")
    }
    let grader = Grader()
    _ = grader.grade(gold: pairs[0].0, response: pairs[0].1)   // warm-up, as the peer does
    var times: [Double] = []
    var accepted = 0
    for (gold, prediction) in pairs {
        let start = ContinuousClock.now
        let verdict = grader.grade(gold: gold, response: prediction)
        times.append(seconds(ContinuousClock.now - start))
        accepted += verdict.correct ? 1 : 0
    }
    print(JSONValue.object(JSONObject(["pairs": .int(Int64(pairs.count)), "accepted": .int(Int64(accepted)),
                                       "seconds": .array(times.map(JSONValue.double))])).serialized)
    exit(0)
}
guard arguments.count == 4, arguments[1] == "parquet-read", let repeats = Int(arguments[3]), repeats > 0 else { usage() }
var times: [Double] = []
var rows = 0
for _ in 0..<repeats {
    let start = ContinuousClock.now
    var all: [JSONValue] = []
    let file = try ParquetFile(path: arguments[2])
    for group in file.metadata.rowGroups.indices { all += try file.rows(rowGroup: group) }
    times.append(seconds(ContinuousClock.now - start))
    rows = all.count
}
print(JSONValue.object(JSONObject(["rows": .int(Int64(rows)), "seconds": .array(times.map(JSONValue.double))])).serialized)
