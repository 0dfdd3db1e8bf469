/// English number words up to the thousands ("four", "twenty-one", "one hundred"), as text answers use them.
enum NumberWords {
    private static let units: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90,
    ]

    /// The number `text` spells, or nil.
    static func value(_ text: String) -> Int64? {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" }).filter { $0 != "and" }
        guard !words.isEmpty, words.count <= 8 else { return nil }
        var total: Int64 = 0, current: Int64 = 0
        for word in words {
            if let u = units[String(word)] {
                current += Int64(u)
            } else if word == "hundred" {
                current = max(current, 1) * 100
            } else if word == "thousand" {
                total += max(current, 1) * 1000
                current = 0
            } else {
                return nil
            }
        }
        return total + current
    }
}
