import Testing
@testable import Grading

@Suite struct MajorityVoteTests {
    /// maj@k follows the most frequent answer, whatever the share of correct responses; ties go to the answer
    /// seen first; responses without an answer do not vote.
    @Test func majorityVote() {
        #expect(MajorityVote.isCorrect([(false, "3"), (true, "4"), (true, "4"), (false, nil), (false, nil)]))
        #expect(!MajorityVote.isCorrect([(true, "4"), (false, "3"), (false, "3")]))
        #expect(MajorityVote.isCorrect([(true, "4"), (false, "3")]))
        #expect(!MajorityVote.isCorrect([(false, nil), (false, nil)]))
    }
}
