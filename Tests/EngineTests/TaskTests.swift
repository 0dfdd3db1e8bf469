import Testing
@testable import Engine
import Grading

@Suite struct TaskTests {
    /// Every solution's boxed answer is right: graded by the grader against an answer computed here.
    @Test(arguments: TaskFamily.allCases)
    func solutionsAreCorrectAndInTheAlphabet(family: TaskFamily) {
        var generator = TaskGenerator(seed: 17)
        let tokenizer = CharTokenizer(alphabet: TaskGenerator.alphabet)
        for task in generator.tasks(family, count: 300) {
            #expect(Grader(requireBox: true).grade(gold: task.answer, response: task.solution).correct, "\(task)")
            #expect(Grader.equivalent(gold: independentAnswer(task.problem), answer: task.answer), "\(task)")
            #expect(tokenizer.encode(task.problem + " " + task.solution) != nil, "\(task)")
        }
    }

    @Test func sameSeedSameTasks() {
        var a = TaskGenerator(seed: 3), b = TaskGenerator(seed: 3), c = TaskGenerator(seed: 4)
        let x = a.tasks(.add, count: 20)
        #expect(x == b.tasks(.add, count: 20) && x != c.tasks(.add, count: 20))
    }

    @Test func workedColumns() {
        #expect(TaskGenerator.columnAddition([47, 85]) == "7+5=12 c1; 4+8+1=13 c1; 1;")
        #expect(TaskGenerator.columnSubtraction(132, 85) == "12-5=7 b1; 13-1-8=4 b1; 1-1-0=0;")
        #expect(TaskGenerator.columnMultiplication(47, 6) == "7*6=42 c4; 4*6+4=28 c2; 2;")
    }

    /// The problem's value computed from its text alone, without the generator's code.
    private func independentAnswer(_ problem: String) -> String {
        let body = String(problem.dropFirst(problem.hasPrefix("Solve") ? 6 : 8).dropLast())
        if problem.hasPrefix("Solve") {   // ax+b=c
            let parts = body.split(whereSeparator: { "x+=".contains($0) }).compactMap { Int($0) }
            return String((parts[2] - parts[1]) / parts[0])
        }
        if body.contains("/") {   // n1/d1+n2/d2
            let n = body.split(whereSeparator: { "/+".contains($0) }).compactMap { Int($0) }
            return "\\frac{\(n[0] * n[3] + n[2] * n[1])}{\(n[1] * n[3])}"
        }
        // + - * with precedence: evaluate products first.
        var terms: [Int] = [], sign = 1, product: Int?, number = ""
        func flush() {
            guard let v = Int(number) else { return }
            number = ""
            product = (product ?? 1) * v
        }
        for ch in body + "+" {
            if ch.isNumber { number.append(ch); continue }
            flush()
            if ch == "*" { continue }
            terms.append(sign * (product ?? 0))
            product = nil
            sign = ch == "-" ? -1 : 1
        }
        return String(terms.reduce(0, +))
    }
}
