import Testing
@testable import Corpus

@Suite struct TextNormalizerTests {
    @Test func foldsLaTeXSpellingAndSpacing() {
        #expect(TextNormalizer.normalize(#"Find $\dfrac{1}{2}+x$."#) == TextNormalizer.normalize(#"Find \(\frac{1}{2} + x\)."#))
        #expect(TextNormalizer.normalize(#"$\left( x \right)$"#) == TextNormalizer.normalize("(x)"))
        #expect(TextNormalizer.normalize("a\u{00A0}\n\tb") == "a b")
        #expect(TextNormalizer.normalize("ｘ＝１") == TextNormalizer.normalize("x=1"))   // NFKC
    }

    @Test func keepsNumbers() {
        #expect(TextNormalizer.hash("What is $2+3$?") != TextNormalizer.hash("What is $2+4$?"))
        #expect(TextNormalizer.tokens("3.14 and 10") == ["3.14", "and", "10"])
    }

    @Test func hashIsStable() {
        #expect(TextNormalizer.hash("What is $2+3$?") == TextNormalizer.hash("What is 2 + 3?"))
        #expect(TextNormalizer.hash("x").count == 32)
        // Stores compare these across versions: the first 32 hex digits of SHA-256 of the normalised tokens,
        // values from Benchmarks/import_peer.py's independent Python definition.
        #expect(TextNormalizer.hash("What is $2+3$?") == "6b3004296db241e0c75818f4d72f78e1")
        #expect(TextNormalizer.hash(#"Find $\dfrac{1}{2}+x$."#) == "b30814fe5de900921e802774454fabd1")
    }
}
