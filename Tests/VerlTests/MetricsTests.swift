import Foundation
import Testing
@testable import Verl

@Suite struct MetricsTests {
    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "verl-\(UUID().uuidString).log"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Console lines as upstream prints them from a Ray actor: a prefix, colour codes, numpy reprs, nan.
    @Test func consoleLinesBehindARayPrefix() throws {
        let path = try write("""
            (TaskRunner pid=123) Training Progress:  10%|#         | 1/10
            \u{1B}[36m(TaskRunner pid=123)\u{1B}[0m step:1 - critic/score/mean:np.float64(0.25) - actor/entropy:0.61 - actor/kl_loss:np.float32(0.001) - actor/pg_clipfrac:nan
            (TaskRunner pid=123, ip=10.0.0.2) step:2 - critic/score/mean:0.5 - response_length/mean:np.float64(611.25)
            step:3 - critic/score/mean:0.625
            step:4 - critic/score/mean:0.7
            """)   // the last line has no newline: still being written
        let steps = try VerlMetrics.readConsole(path)
        #expect(steps.keys.sorted() == [1, 2, 3])
        #expect(steps[1] == ["critic/score/mean": 0.25, "actor/entropy": 0.61, "actor/kl_loss": 0.001])
        #expect(steps[2]?["response_length/mean"] == 611.25)
        let canonical = VerlMetrics.canonical(steps[1]!)
        #expect(canonical["reward"]?.numberValue == 0.25 && canonical["entropy"]?.numberValue == 0.61 && canonical["kl"]?.numberValue == 0.001)
    }

    /// The file logger's lines; a restarted run's second file replaces the steps it logs again; null is NaN.
    @Test func fileLoggerAcrossARestart() throws {
        let first = try write(#"""
            {"step": 0, "data": {"val-core/math500/acc/mean@1": 0.36}}
            {"step": 1, "data": {"critic/score/mean": 0.25, "actor/entropy": null}}
            {"step": 2, "data": {"critic/score/mean": 0.3}}

            """#)
        let second = try write(#"""
            {"step": 2, "data": {"critic/score/mean": 0.5, "val-core/simplerl/math500/acc/mean@4": 0.75, "val/test_score/amc23": 0.4}}
            {"step": 3, "da
            """#)
        let steps = try VerlMetrics.readFileLogs([first, second])
        #expect(steps.keys.sorted() == [0, 1, 2])
        #expect(steps[1] == ["critic/score/mean": 0.25] && steps[2]?["critic/score/mean"] == 0.5)
        let means = VerlMetrics.validationMeans(steps[2]!)
        #expect(means.map(\.source) == ["simplerl/math500", "amc23"] && means.map(\.k) == [4, 1])
        let broken = try write("{\"step\": 1}\n")
        #expect(throws: VerlReadError.self) { try VerlMetrics.readFileLogs([broken]) }
    }
}
