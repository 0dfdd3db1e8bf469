import Grading

/// The grader behind a C ABI, for programs that load a shared library rather than talk to `oneshot grade --serve`
/// (Benchmarks/reward_paths.py compares the two from Python with ctypes).
///
/// `oneshot_grade(gold, response, require_box, pred, pred_capacity)` returns 1 when `response`'s final answer
/// equals `gold`, 0 otherwise; the extracted answer is copied into `pred` (NUL-terminated, cut to fit; empty
/// when there is none). Both inputs are NUL-terminated UTF-8.
@_cdecl("oneshot_grade")
public func oneshotGrade(_ gold: UnsafePointer<CChar>, _ response: UnsafePointer<CChar>, _ requireBox: Int32,
                         _ pred: UnsafeMutablePointer<CChar>?, _ predCapacity: Int) -> Int32 {
    let verdict = Grader(requireBox: requireBox != 0).grade(gold: String(cString: gold), response: String(cString: response))
    if let pred, predCapacity > 0 {
        let bytes = Array((verdict.extracted ?? "").utf8.prefix(predCapacity - 1))
        for (i, b) in bytes.enumerated() { pred[i] = CChar(bitPattern: b) }
        pred[bytes.count] = 0
    }
    return verdict.correct ? 1 : 0
}
