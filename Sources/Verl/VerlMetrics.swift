import Foundation
import JSON
import Selection

/// verl's per-step metrics, from its file logger (`trainer.logger` with "file": JSON lines
/// `{"step": N, "data": {...}}`) or, as a fallback, its console lines (`step:N - key:value - ...`).
public enum VerlMetrics {
    /// Metrics by step. Files are read in order and a later line for a step replaces an earlier one (a resumed
    /// run logs its steps again); null (NaN) and non-numbers are left out; a last line without its newline
    /// (still being written) is left for the next read.
    public static func readFileLogs(_ paths: [String]) throws -> [Int: [String: Double]] {
        var steps: [Int: [String: Double]] = [:]
        for path in paths {
            for (number, line) in try completeLines(path) {
                let value: JSONValue
                do { value = try JSONParser.parse(line) } catch {
                    throw VerlReadError("\(path):\(number): invalid JSON at column \(error.offset + 1): \(error.message)")
                }
                guard let step = value["step"]?.numberValue.map({ Int($0) }), let data = value["data"]?.objectValue else {
                    throw VerlReadError("\(path):\(number): expected {\"step\": N, \"data\": {...}}")
                }
                var metrics: [String: Double] = [:]
                for (key, v) in zip(data.keys, data.values) { if let number = v.numberValue, number.isFinite { metrics[key] = number } }
                steps[step] = metrics
            }
        }
        return steps
    }

    /// Metrics by step from a console log: lines holding `step:N - key:value - ...`, possibly behind a Ray
    /// prefix such as `(TaskRunner pid=123)` and colour codes, values possibly printed as `np.float64(x)`.
    public static func readConsole(_ path: String) throws -> [Int: [String: Double]] {
        var steps: [Int: [String: Double]] = [:]
        for (_, line) in try completeLines(path) {
            let plain = line.replacingOccurrences(of: #"\x{1B}\[[0-9;]*m"#, with: "", options: .regularExpression)
            guard let start = plain.range(of: #"(^|[\s)])step:\d+ - "#, options: .regularExpression) else { continue }
            let body = String(plain[start.lowerBound...].drop { $0 == " " || $0 == ")" }).trimmingCharacters(in: .whitespaces)
            var metrics: [String: Double] = [:], step: Int?
            for item in body.components(separatedBy: " - ") {
                guard let colon = item.firstIndex(of: ":") else { continue }
                let key = String(item[..<colon]).trimmingCharacters(in: .whitespaces)
                guard let value = number(String(item[item.index(after: colon)...])) else { continue }
                if key == "step" { step = Int(value) } else { metrics[key] = value }
            }
            if let step { steps[step, default: [:]].merge(metrics) { $1 } }
        }
        return steps
    }

    /// A console value: `0.25`, `np.float64(0.25)`, `np.int64(3)`; nil for nan or anything else.
    static func number(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if let open = t.firstIndex(of: "("), t.hasSuffix(")"), t.hasPrefix("np.") || t.hasPrefix("numpy.") {
            t = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        }
        guard let value = Double(t), value.isFinite else { return nil }
        return value
    }

    /// The names the reports use, from verl's: reward (critic/score/mean, the training accuracy for a 0/1 reward),
    /// entropy, KL loss, response length, policy loss and gradient norm; verl's own keys are kept beside them.
    public static func canonical(_ raw: [String: Double]) -> JSONObject {
        var object = JSONObject()
        let names = [("reward", "critic/score/mean"), ("entropy", "actor/entropy"), ("kl", "actor/kl_loss"),
                     ("response_length", "response_length/mean"), ("pg_loss", "actor/pg_loss"), ("grad_norm", "actor/grad_norm")]
        for (ours, theirs) in names { if let v = raw[theirs] ?? (ours == "entropy" ? raw["actor/entropy_loss"] : nil) { object[ours] = .double(v) } }
        for key in raw.keys.sorted() { object[key] = .double(raw[key]!) }
        return object
    }

    /// Validation means in the metrics: `val-core/{source}/acc/mean@{k}` (the source may contain '/') ->
    /// (source, k, mean); the fork's `val/test_score/{source}` gives k = 1.
    public static func validationMeans(_ raw: [String: Double]) -> [(source: String, k: Int, mean: Double)] {
        raw.keys.sorted().compactMap { key in
            if key.hasPrefix("val-core/"), let at = key.range(of: "/acc/mean@", options: .backwards) ?? key.range(of: "/reward/mean@", options: .backwards),
               let k = Int(key[at.upperBound...]) {
                return (String(key[key.index(key.startIndex, offsetBy: 9)..<at.lowerBound]), k, raw[key]!)
            }
            if key.hasPrefix("val/test_score/") { return (String(key.dropFirst(15)), 1, raw[key]!) }
            return nil
        }
    }

    static func completeLines(_ path: String) throws -> [(number: Int, text: String)] {
        guard let lines = CompleteLines.read(path) else { throw VerlReadError("\(path): cannot read the file") }
        return lines
    }
}

/// A verl file that could not be read, naming the file and line.
public struct VerlReadError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
