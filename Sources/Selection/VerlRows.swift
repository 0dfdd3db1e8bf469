import Corpus
import Store
import JSON

/// Training rows in verl's schema, the shape of the paper's π files.
///
/// `{data_source, prompt: [{content, role: "user"}], ability, reward_model: {ground_truth, style},
/// extra_info: {index, split}}`, the prompt being the problem followed by the step-by-step instruction.
public enum VerlRows {
    /// The instruction the paper appends to every prompt.
    public static let defaultInstruction = "Let's think step by step and output the final answer within \\boxed{}."

    /// The row of one example, rebuilt from what import kept of the source row.
    public static func row(_ example: ExampleRecord) -> JSONObject {
        let metadata = (try? JSONParser.parse(example.metadata))?.objectValue ?? JSONObject()
        let instruction = metadata["instruction"]?.stringValue ?? defaultInstruction
        var message = JSONObject()
        message["content"] = .string(example.problem + " " + instruction)
        message["role"] = .string("user")
        var reward = JSONObject()
        reward["ground_truth"] = .string(example.answer ?? "")
        reward["style"] = .string(metadata["reward_style"]?.stringValue ?? "rule")
        var extra = JSONObject()
        if let index = example.sourceIndex {
            extra["index"] = Int64(index).map(JSONValue.int) ?? .string(index)
        } else {
            extra["index"] = .int(example.id)
        }
        extra["split"] = .string(metadata["extra_info"]?["split"]?.stringValue ?? "train")
        var row = JSONObject()
        row["data_source"] = .string(metadata["data_source"]?.stringValue ?? example.datasetName)
        row["prompt"] = .array([.object(message)])
        row["ability"] = .string(metadata["ability"]?.stringValue ?? "math")
        row["reward_model"] = .object(reward)
        row["extra_info"] = .object(extra)
        return row
    }

    /// The rows of a 1-shot or few-shot set: each example's row repeated in a block, the blocks together
    /// `repeatTo` rows long (earlier examples take the remainder: 128 over 3 gives 43, 43, 42).
    public static func repeated(_ examples: [ExampleRecord], to repeatTo: Int) -> [JSONObject] {
        guard !examples.isEmpty else { return [] }
        let total = max(repeatTo, examples.count)
        return examples.enumerated().flatMap { i, example in
            let copies = total / examples.count + (i < total % examples.count ? 1 : 0)
            return Array(repeating: row(example), count: copies)
        }
    }
}
