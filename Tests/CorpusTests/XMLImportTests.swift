import Foundation
import Testing
@testable import Corpus
import Store
import JSON

@Suite struct XMLImportTests {
    @Test func stackExchangePostsGiveAcceptedPairs() throws {
        let (store, result, _) = try Fixtures.imported(Fixtures.shippedFile("xml/matheducators-Posts.xml"))
        #expect(result.schema == "stackexchange-posts")
        #expect(result.imported == 189)          // every question with an accepted answer in the file
        #expect(result.rejected == 0)
        let examples = try store.examples(datasetIDs: [1])
        // HTML decoded to text, no tags left, LaTeX kept.
        #expect(examples.allSatisfy { !$0.problem.contains("<p>") && !$0.problem.contains("&lt;") && $0.solution != nil })
        #expect(examples.filter { $0.problem.contains("$") }.count >= 40)
        let meta = try JSONParser.parse(examples[0].metadata)
        #expect(meta["tags"]?.arrayValue?.isEmpty == false)
    }

    @Test func arqmathTopicsAreQuestions() throws {
        let (store, result, _) = try Fixtures.imported(Fixtures.shippedFile("xml/arqmath-2022-topics.xml"))
        #expect(result.schema == "arqmath-topics" && result.imported == 100)
        let first = try store.examples(datasetIDs: [1])[0]
        #expect(first.sourceIndex == "A.301")
        #expect(!first.problem.contains("<span"))
    }

    @Test func openStaxExercisesRenderMathML() throws {
        let path = Fixtures.sharedFile("xml-openstax-calculus-v1/modules/m53620/index.cnxml")
        let (store, result, _) = try Fixtures.imported(path)
        #expect(result.schema == "cnxml" && result.imported > 50)
        let examples = try store.examples(datasetIDs: [1])
        let newton = try #require(examples.first { $0.problem.contains("Newton’s method") })
        #expect(newton.problem.contains("$f(x)={x}^{3}-3x+1$"))
        #expect(examples.contains { $0.solution?.contains("\\frac{") == true })
    }

    @Test func externalEntitiesAreRefused() throws {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE posts [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <posts><row Id="1" PostTypeId="1" AcceptedAnswerId="2" Title="&secret;" Body="x"/></posts>
            """
        let path = Fixtures.write(xxe, name: "xxe.xml")
        #expect(throws: ImportError.unsafeXML(path: path, line: 2, reason: "the document type declares entities (XXE and entity-expansion attacks work this way); entity declarations are not accepted")) {
            try Importer(store: Fixtures.store()).importFile(path, options: ImportOptions())
        }
    }

    @Test func billionLaughsIsRefused() throws {
        var decls = #"<!ENTITY lol0 "lol">"#
        for i in 1...9 { decls += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE posts [\(decls)]>\n<posts><row Id=\"1\" PostTypeId=\"2\" Body=\"&lol9;\"/></posts>"
        let path = Fixtures.write(doc, name: "lol.xml")
        let store = try Fixtures.store()
        #expect(throws: ImportError.self) { try Importer(store: store).importFile(path, options: ImportOptions()) }
        #expect(try store.db.scalar("SELECT count(*) FROM examples") == .integer(0))
    }

    @Test func undeclaredEntityReferenceIsAnError() throws {
        let path = Fixtures.write("<posts>\n<row Id=\"1\" PostTypeId=\"1\" Body=\"&nope;\"/>\n</posts>", name: "undeclared.xml")
        let (_, result, messages) = try Fixtures.imported(path)
        #expect(result.imported == 0 && result.rejected == 1)
        #expect(messages[0].hasPrefix("\(path):2: XML is not well-formed: Entity 'nope' not defined"))
    }

    @Test func malformedTailKeepsTheRowsBefore() throws {
        let doc = """
            <posts>
            <row Id="1" PostTypeId="1" AcceptedAnswerId="2" Title="Sum" Body="&lt;p&gt;What is $1+1$?&lt;/p&gt;"/>
            <row Id="2" PostTypeId="2" ParentId="1" Body="&lt;p&gt;It is $2$.&lt;/p&gt;"/>
            <row Id="3" PostTypeId="1" Body="unclosed
            """
        let path = Fixtures.write(doc, name: "truncated.xml")
        let (store, result, messages) = try Fixtures.imported(path)
        #expect(result.imported == 1 && result.rejected == 1)
        #expect(messages[0].contains("the rest of the file could not be read"))
        let e = try store.examples(datasetIDs: [1])[0]
        #expect(e.problem == "Sum\n\nWhat is $1+1$?" && e.solution == "It is $2$.")
    }

    @Test func rowWithoutIdIsRejectedWithTheField() throws {
        let path = Fixtures.write(#"<posts><row PostTypeId="1" Body="x"/></posts>"#, name: "noid.xml")
        let (_, result, messages) = try Fixtures.imported(path)
        #expect(result.rejected == 1)
        #expect(messages[0] == "\(path):1: field 'Id': row without the Id attribute")
    }

    @Test func unknownRootIsAClearError() throws {
        let path = Fixtures.write("<catalog><book/></catalog>", name: "book.xml")
        #expect(throws: ImportError.self) { try Importer(store: Fixtures.store()).importFile(path, options: ImportOptions()) }
    }

    @Test func htmlToText() {
        #expect(HTMLText.text(fromHTML: "<p>Let $a &lt; b$ &amp; <b>c</b>.</p>\n<ul><li>one</li><li>two</li></ul>")
                == "Let $a < b$ & c.\n\n- one\n- two")
    }
}
