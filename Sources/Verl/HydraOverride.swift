/// One `key=value` override on verl's command line (Hydra syntax).
public struct HydraOverride: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        /// Written as Hydra reads it: numbers, booleans, null, lists such as `["console","file"]`.
        case raw(String)
        /// A string: quoted for Hydra when it holds anything beyond plain path characters.
        case string(String)
    }

    public var key: String
    public var value: Value

    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    /// The argument as verl's `main_ppo` takes it (one argv element; the shell quoting is separate).
    public var argument: String {
        switch value {
        case .raw(let text): return "\(key)=\(text)"
        case .string(let text): return "\(key)=\(HydraOverride.quoted(text))"
        }
    }

    /// A string value for Hydra's override grammar (hydra-core 1.3), read back by Hydra and OmegaConf as
    /// exactly `text`: plain when it is a word Hydra takes as a string (letters first, path characters after,
    /// not a keyword such as true, null or inf); else single-quoted. Inside the quotes:
    /// - `${` would start an OmegaConf interpolation: it becomes `\${` (and backslashes right before it double);
    /// - a quote becomes `\'`, and the backslashes right before a quote or the closing quote double, as Hydra's
    ///   quoted strings escape them; every other character, control characters included, is literal.
    public static func quoted(_ text: String) -> String {
        let keywords: Set<String> = ["true", "false", "null", "inf", "nan", "infinity"]
        let scalars = Array(text.unicodeScalars)
        let plain = scalars.first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "/" } == true
            && scalars.allSatisfy { $0.isASCII && (Shell.isPlain($0) && $0 != "=" && $0 != "," && $0 != "%") }
            && !keywords.contains(text.lowercased())
        if plain { return text }
        var out = "'"
        var backslashes = 0
        func flush(doubled: Bool) {
            out += String(repeating: "\\", count: doubled ? 2 * backslashes : backslashes)
            backslashes = 0
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\" {
                backslashes += 1
            } else if c == "'" {
                flush(doubled: true)
                out += "\\'"
            } else if c == "$", i + 1 < scalars.count, scalars[i + 1] == "{" {
                flush(doubled: true)
                out += "\\${"
                i += 1
            } else {
                flush(doubled: false)
                out.unicodeScalars.append(c)
            }
            i += 1
        }
        flush(doubled: true)
        return out + "'"
    }

    /// The keys `--set` takes: dotted names of letters, digits, `_` and `-` (with Hydra's `+`, `++` or `~` in front).
    public static func isValidKey(_ key: String) -> Bool {
        var body = Substring(key)
        if body.hasPrefix("++") { body = body.dropFirst(2) } else if body.hasPrefix("+") || body.hasPrefix("~") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) || first == "_"
            else { return false }
            return part.unicodeScalars.allSatisfy { $0.isASCII && (Shell.isPlain($0) && !"./=:,@%+".unicodeScalars.contains($0)) }
        }
    }

    /// Parses `key=value` from `--set`: numbers, booleans, null and `[...]` lists stay raw, anything else is a
    /// string; nil when there is no `=` or the key is not a config key.
    public static func parse(_ text: String) -> HydraOverride? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        guard isValidKey(key) else { return nil }
        let isRaw = Double(value) != nil || ["true", "false", "True", "False", "null"].contains(value)
            || (value.hasPrefix("[") && value.hasSuffix("]"))
        return HydraOverride(key, isRaw ? .raw(value) : .string(value))
    }
}

extension Array where Element == HydraOverride {
    /// Sets `key` (replacing its value where it is, or appending it).
    public mutating func set(_ key: String, _ value: HydraOverride.Value) {
        if let i = firstIndex(where: { $0.key == key }) { self[i].value = value } else { append(HydraOverride(key, value)) }
    }

    /// The value of `key`, if set.
    public subscript(key: String) -> HydraOverride.Value? { first { $0.key == key }?.value }

    /// The value of `key` when it is set to an integer.
    public func int(_ key: String) -> Int? {
        guard case .raw(let text)? = self[key] else { return nil }
        return Int(text)
    }
}
