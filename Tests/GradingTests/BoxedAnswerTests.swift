import Testing
@testable import Grading

@Suite struct BoxedAnswerTests {
    @Test func lastBalancedBox() {
        #expect(BoxedAnswer.last(in: #"So $\boxed{\frac{1}{2}}$, not \boxed{3}. Final: \boxed{\{1, 2\}}"#) == #"\{1, 2\}"#)
        #expect(BoxedAnswer.last(in: #"\fbox{7}"#) == "7")
        #expect(BoxedAnswer.last(in: #"our answer is $\boxed 2$."#) == "2")
        #expect(BoxedAnswer.last(in: #"\boxed{unclosed"#) == nil)
        #expect(BoxedAnswer.last(in: "no box") == nil)
        #expect(BoxedAnswer.last(in: #"\boxedfoo{1}"#) == nil)
    }

    @Test func gsm8kHashes() {
        #expect(HashAnswer.last(in: "so 3+4=7\n#### 1,234") == "1234")
        #expect(HashAnswer.last(in: "none") == nil)
    }
}
