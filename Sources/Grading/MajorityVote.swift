/// maj@k: whether the most frequent extracted answer among a problem's k responses is a correct one.
public enum MajorityVote {
    /// Ties go to the answer seen first; responses without an answer do not vote.
    public static func isCorrect(_ verdicts: [(correct: Bool, answer: String?)]) -> Bool {
        var votes: [(answer: String, count: Int, correct: Bool)] = []
        for v in verdicts {
            guard let answer = v.answer else { continue }
            if let i = votes.firstIndex(where: { $0.answer == answer }) { votes[i].count += 1 } else { votes.append((answer, 1, v.correct)) }
        }
        guard let most = votes.map(\.count).max() else { return false }
        return votes.first { $0.count == most }!.correct
    }
}
