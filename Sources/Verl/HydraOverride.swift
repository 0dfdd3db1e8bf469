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

    /// A string value for Hydra's grammar: plain when made only of safe characters, else single-quoted with
    /// backslashes and quotes escaped (so spaces, `=`, `,`, brackets and `$` stay part of the value).
    public static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./:@+".contains($0)) }
            && !["true", "false", "null", "True", "False"].contains(text) && Double(text) == nil
        if plain { return text }
        return "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Parses `key=value` from `--set`: numbers, booleans, null and `[...]` lists stay raw, anything else is a string.
    public static func parse(_ text: String) -> HydraOverride? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        let isRaw = Double(value) != nil || ["true", "false", "True", "False", "null"].contains(value) || (value.hasPrefix("[") && value.hasSuffix("]"))
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
