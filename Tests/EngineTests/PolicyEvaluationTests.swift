import Testing
@testable import Engine

@Suite struct PolicyEvaluationTests {
    /// The unbiased pass@k: pass@1 is the mean accuracy, pass@n whether any sample was right, and in between
    /// 1 − C(n−c, k)/C(n, k) (here c = 1 of 4 at k = 2: 1 − 3/6).
    @Test func unbiasedPassAtK() {
        var e = PolicyEvaluation(samples: 4)
        e.correctPerProblem = [0, 1, 4]
        #expect(abs(e.passAt(1) - (0 + 0.25 + 1) / 3) < 1e-12)
        #expect(abs(e.passAt(2) - (0 + 0.5 + 1) / 3) < 1e-12)
        #expect(abs(e.passAt(4) - 2.0 / 3) < 1e-12)
    }
}
