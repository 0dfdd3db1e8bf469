import Testing
@testable import Grading

@Suite struct SelfReflectionTests {
    @Test func reflectionWordsAtTheStartOfAWord() {
        for reflective in ["Let me recheck: 3 + 4 = 7.", "Wait, I should RETHINK this.", "Recalculating, we get 12.",
                           "Let's re-evaluate the sum.", "To double-check, plug x = 2 back in.", "We can double check it.",
                           "Verification: 2 \\cdot 6 = 12.", "verify", "(verifying) ok"] {
            #expect(SelfReflection.isReflective(reflective), "\(reflective)")
        }
        for plain in ["The answer is \\boxed{7}.", "unverified claims", "prerethink", "Thinking again... 7", "", "ré-vérifier"] {
            #expect(!SelfReflection.isReflective(plain), "\(plain)")
        }
    }
}
