/// Inputs built to hurt a grader: deep nesting, 100 KB answers, towers of exponents, unbalanced braces,
/// invalid UTF-8, thousands of boxes. The robustness test and `make bench` both run them.
public enum AdversarialInputs {
    public static let fixed: [String] = [
        String(repeating: "{", count: 50_000), String(repeating: "(", count: 20_000) + "1",
        "\\boxed{" + String(repeating: "\\frac{1}{", count: 5_000) + "2" + String(repeating: "}", count: 5_000) + "}",
        "\\boxed{10^{10^{10}}}", "\\boxed{10^{10^{10^{10}}}}", "\\boxed{2^{99999999999999999999}}", "\\boxed{\\sqrt[1000000]{2}}",
        "\\boxed{" + String(repeating: "x", count: 100_000) + "}", String(repeating: "\\boxed{1}", count: 10_000),
        "\\boxed{}", "\\boxed{", "}}}\\boxed{{{", "\\boxed{\\frac{}{}}", "\\boxed{1/0}", "\\boxed{0^0}", "\\boxed{(-1)^{1/2}}",
        "\\boxed{" + String(repeating: "1,", count: 3_000) + "1}",
        "\\boxed{\\begin{pmatrix}" + String(repeating: "1&", count: 2_000) + "\\end{pmatrix}}",
        String(decoding: [0xFF, 0xFE, 0x5C, 0x62, 0x6F, 0x78, 0x65, 0x64, 0x7B, 0xC3, 0x28, 0x7D], as: UTF8.self),
    ]
}
