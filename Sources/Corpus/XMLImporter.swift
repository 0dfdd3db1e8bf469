import Foundation
import Store
import JSON

/// Imports the XML sources the field uses, recognised by their root element:
/// - `<posts>`: a StackExchange data dump's Posts.xml; each question with an accepted answer becomes an
///   example (problem = title and body, solution = the accepted answer; HTML decoded to text, LaTeX kept);
/// - `<Topics>`: ARQMath topic files (questions only, no answers);
/// - `<document>` in the CNXML namespace: OpenStax exercises (problem and solution, MathML as LaTeX).
struct XMLImporter {
    let path: String

    /// Reads the file into `sink`; returns the schema name. A well-formedness error part-way keeps the
    /// rows read so far and records the unreadable rest as one rejected row (with --strict it fails).
    func run(sink: RecordSink) throws -> String {
        let stream = try XMLStream(path: path)
        var root: String?
        do {
            while try stream.read() {
                if stream.nodeType == .element { root = stream.name; break }
            }
            guard let root else { throw ImportError.malformed(path: path, line: stream.line, reason: "no root element") }
            switch root {
            case "posts":
                try StackExchangePosts(stream: stream, sink: sink).run()
                return "stackexchange-posts"
            case "Topics":
                try ARQMathTopics(stream: stream, sink: sink, year: yearInName()).run()
                return "arqmath-topics"
            case "document" where stream.namespaceURI == "http://cnx.rice.edu/cnxml":
                try CNXMLExercises(stream: stream, sink: sink).run()
                return "cnxml"
            default:
                throw ImportError.unknownFormat(path: path, reason: "unknown XML root element <\(root)>; oneshot reads StackExchange Posts.xml (<posts>), ARQMath topics (<Topics>) and OpenStax CNXML (<document>)")
            }
        } catch ImportError.malformed(_, let line, let reason) where !sink.strict {
            // XML cannot be read past a well-formedness error: keep what came before, quarantine the rest.
            try sink.reject(line: line, field: nil, reason: reason + "; the rest of the file could not be read", raw: tail(from: line))
            return root.map { "xml:\($0)" } ?? "xml"
        }
    }

    private func yearInName() -> String? {
        let name = (path as NSString).lastPathComponent
        return name.range(of: #"(19|20)\d\d"#, options: .regularExpression).map { String(name[$0]) }
    }

    /// The file's bytes from `line` on (at most 64 KiB), to keep an unreadable rest verbatim.
    private func tail(from line: Int) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var current = 1
        var start = 0
        for (i, b) in data.enumerated() where current < line {
            if b == 0x0A { current += 1; start = i + 1 }
        }
        return Array(data[start..<min(data.count, start + LineReader.keptPrefixBytes)])
    }
}

/// StackExchange Posts.xml: accepted question/answer pairs.
struct StackExchangePosts {
    let stream: XMLStream
    let sink: RecordSink

    private struct Question {
        let id: String
        let line: Int
        let title: String
        let body: String
        let metadata: JSONObject
    }

    func run() throws {
        var waiting: [String: Question] = [:]   // accepted answer id -> its question
        var position = 0
        while try stream.read() {
            guard stream.nodeType == .element, stream.name == "row" else { continue }
            let line = stream.line
            guard let id = stream.attribute("Id"), let type = stream.attribute("PostTypeId") else {
                let field = stream.attribute("Id") == nil ? "Id" : "PostTypeId"
                try sink.reject(line: line, field: field, reason: "row without the \(field) attribute", raw: stream.outerXML())
                continue
            }
            switch type {
            case "1":
                guard let accepted = stream.attribute("AcceptedAnswerId") else { sink.skip(); continue }
                guard let body = stream.attribute("Body") else {
                    try sink.reject(line: line, field: "Body", reason: "question without a Body", raw: stream.outerXML())
                    continue
                }
                var meta = JSONObject()
                meta["post_id"] = .string(id)
                meta["accepted_answer_id"] = .string(accepted)
                if let tags = stream.attribute("Tags") { meta["tags"] = .array(StackExchangePosts.tags(tags).map(JSONValue.string)) }
                if let score = stream.attribute("Score").flatMap({ Int64($0) }) { meta["score"] = .int(score) }
                if let date = stream.attribute("CreationDate") { meta["created"] = .string(date) }
                waiting[accepted] = Question(id: id, line: line, title: stream.attribute("Title") ?? "", body: body, metadata: meta)
            case "2":
                guard let question = waiting.removeValue(forKey: id) else { sink.skip(); continue }
                guard let body = stream.attribute("Body") else {
                    try sink.reject(line: line, field: "Body", reason: "accepted answer without a Body", raw: stream.outerXML())
                    continue
                }
                var meta = question.metadata
                if let score = stream.attribute("Score").flatMap({ Int64($0) }) { meta["answer_score"] = .int(score) }
                let questionText = HTMLText.text(fromHTML: question.body)
                let problem = question.title.isEmpty ? questionText : question.title + "\n\n" + questionText
                try sink.add(ExampleDraft(position: position, line: question.line, sourceIndex: question.id, problem: problem,
                                          answer: nil, solution: HTMLText.text(fromHTML: body),
                                          metadata: JSONValue.object(meta).serialized, normHash: TextNormalizer.hash(problem)))
                position += 1
            default:
                sink.skip()
            }
        }
        // Questions whose accepted answer is not in the file.
        for _ in waiting { sink.skip() }
    }

    /// `<a><b>` (classic dumps) or `|a|b|` (newer dumps) as a list.
    static func tags(_ text: String) -> [String] {
        let separators = CharacterSet(charactersIn: "<>|")
        return text.components(separatedBy: separators).filter { !$0.isEmpty }
    }
}

/// ARQMath Task 1 topics: `<Topic number=..><Title/><Question/><Tags/></Topic>`.
struct ARQMathTopics {
    let stream: XMLStream
    let sink: RecordSink
    let year: String?

    func run() throws {
        var position = 0
        while try stream.read() {
            guard stream.nodeType == .element, stream.name == "Topic" else { continue }
            let line = stream.line
            let number = stream.attribute("number")
            let topic = try stream.expand()
            let title = topic.child("Title").map { HTMLText.text(fromHTML: $0.text) } ?? ""
            guard let question = topic.child("Question").map({ HTMLText.text(fromHTML: $0.text) }), !question.isEmpty else {
                try sink.reject(line: line, field: "Question", reason: "topic without a Question", raw: stream.outerXML())
                _ = try stream.skipSubtree()
                continue
            }
            var meta = JSONObject()
            if let tags = topic.child("Tags")?.text {
                meta["tags"] = .array(tags.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
            }
            if let year { meta["year"] = .string(year) }
            let problem = title.isEmpty ? question : title + "\n\n" + question
            try sink.add(ExampleDraft(position: position, line: line, sourceIndex: number, problem: problem, answer: nil,
                                      solution: nil, metadata: JSONValue.object(meta).serialized,
                                      normHash: TextNormalizer.hash(problem)))
            position += 1
        }
    }
}

/// OpenStax CNXML modules: every `<exercise>` with its `<problem>` and, when present, `<solution>`.
struct CNXMLExercises {
    let stream: XMLStream
    let sink: RecordSink

    func run() throws {
        var position = 0
        var moduleID: String?
        var title: String?
        var more = try stream.read()
        while more {
            guard stream.nodeType == .element else { more = try stream.read(); continue }
            switch stream.name {
            case "content-id" where moduleID == nil:
                moduleID = try stream.expand().text
            case "title" where title == nil && stream.depth == 1:
                title = try stream.expand().text
            case "exercise":
                let line = stream.line
                let exercise = try stream.expand()
                let id = exercise.attribute("id")
                guard let problemNode = exercise.child("problem") else {
                    try sink.reject(line: line, field: "problem", reason: "exercise without a <problem>", raw: stream.outerXML())
                    more = try stream.skipSubtree()
                    continue
                }
                let problem = CNXMLText.render(problemNode)
                guard !problem.isEmpty else {
                    try sink.reject(line: line, field: "problem", reason: "exercise with an empty <problem>", raw: stream.outerXML())
                    more = try stream.skipSubtree()
                    continue
                }
                let solution = exercise.child("solution").map(CNXMLText.render)
                var meta = JSONObject()
                if let moduleID { meta["module"] = .string(moduleID) }
                if let title { meta["module_title"] = .string(title) }
                try sink.add(ExampleDraft(position: position, line: line, sourceIndex: id, problem: problem, answer: nil,
                                          solution: solution, metadata: JSONValue.object(meta).serialized,
                                          normHash: TextNormalizer.hash(problem)))
                position += 1
                more = try stream.skipSubtree()
                continue
            default: break
            }
            more = try stream.read()
        }
    }
}
